import { describe, expect, it } from 'vitest'
import { loadAgentConfig, parseAgentConfig } from '../../../agent/config.ts'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const YAML_CONFIG = `
clusterId: cluster-a
domain: provider.local
owner:
  id: provider-1
  ip: 127.0.0.1:30001
location:
  latitude: "45.07"
  longitude: "7.69"
  country: Italy
  city: Turin
price: { amount: "0.04", currency: EUR, period: hourly }
properties:
  latency: 10
  securityStandards: [GDPR]
partitionability:
  cpuMin: "1"
  memoryMin: 1Gi
  podsMin: "1"
  cpuStep: "1"
  memoryStep: 512Mi
  podsStep: "1"
  gpuMin: "1"
  gpuStep: "1"
gpu:
  model: nvidia-a100
  memory: 40Gi
scan:
  debounceMs: 500
`

const JSON_CONFIG = {
  clusterId: 'cluster-a',
  domain: 'provider.local',
  owner: { id: 'provider-1', ip: '127.0.0.1:30001' },
  price: { amount: '0.04', currency: 'EUR', period: 'hourly' },
  partitionability: { cpuMin: '1', memoryMin: '1Gi', podsMin: '1', cpuStep: '1', memoryStep: '512Mi', podsStep: '1' },
}

describe('agent configuration', () => {
  describe('a YAML file', () => {
    it('gives every setting with exact quantities and the owner in the configured domain', () => {
      const { config } = setup()
      expect(config.clusterId).toBe('cluster-a')
      expect(config.owner).toEqual({ id: 'provider-1', ip: '127.0.0.1:30001', domain: 'provider.local' })
      expect(config.location).toEqual({ latitude: '45.07', longitude: '7.69', country: 'Italy', city: 'Turin' })
      expect(config.price).toEqual({ amount: '0.04', currency: 'EUR', period: 'hourly' })
      expect(config.properties).toEqual({ latency: 10, securityStandards: ['GDPR'] })
      expect(config.partitionability.memoryStep.toString()).toBe('512Mi')
      expect(config.partitionability.gpuStep?.toString()).toBe('1')
      expect(config.gpu?.model).toBe('nvidia-a100')
      expect(config.gpu?.memory?.toString()).toBe('40Gi')
      expect(config.scan.debounceMs).toBe(500)
    })

    it('is read from a file by its extension', async () => {
      const { write } = setup()
      const config = await loadAgentConfig(await write('agent.yaml', YAML_CONFIG))
      expect(config.domain).toBe('provider.local')
    })

    function setup() {
      const config = parseAgentConfig(YAML_CONFIG, 'yaml')
      const write = async (name: string, text: string) => {
        const path = join(await mkdtemp(join(tmpdir(), 'agent-config-')), name)
        await writeFile(path, text)
        return path
      }
      return { config, write }
    }
  })

  describe('a JSON file', () => {
    it('takes defaults for what it leaves out', () => {
      const { parse } = setup()
      const config = parse(JSON_CONFIG)
      expect(config.properties).toEqual({})
      expect(config.location).toBeUndefined()
      expect(config.gpu).toBeUndefined()
      expect(config.scan.debounceMs).toBe(2000)
      expect(config.partitionability.gpuMin).toBeUndefined()
    })

    it('is read from a .json file', async () => {
      const { path } = await setupFile()
      expect((await loadAgentConfig(path)).clusterId).toBe('cluster-a')
    })

    function setup() {
      return { parse: (value: unknown) => parseAgentConfig(JSON.stringify(value), 'json') }
    }

    async function setupFile() {
      const path = join(await mkdtemp(join(tmpdir(), 'agent-config-')), 'agent.json')
      await writeFile(path, JSON.stringify(JSON_CONFIG))
      return { path }
    }
  })

  describe('a bad file', () => {
    it.each([
      ['clusterId', { clusterId: '' }],
      ['clusterId', { clusterId: 'a/b' }],
      ['domain', { domain: 'Provider Local' }],
      ['domain', { domain: `${'a'.repeat(230)}.local` }],
      ['owner.id', { owner: { id: 'x#y', ip: '127.0.0.1:1' } }],
      ['owner.domain', { owner: { id: 'p', ip: '127.0.0.1:1', domain: 'other.local' } }],
      ['price.amount', { price: { amount: 4, currency: 'EUR', period: 'hourly' } }],
      ['partitionability.cpuMin', { partitionability: { ...JSON_CONFIG.partitionability, cpuMin: 'lots' } }],
      ['partitionability.memoryStep', { partitionability: { ...JSON_CONFIG.partitionability, memoryStep: '-1Gi' } }],
      ['partitionability.podsStep', { partitionability: { cpuMin: '1', memoryMin: '1Gi', podsMin: '1', cpuStep: '1', memoryStep: '1Gi' } }],
      ['properties.latency', { properties: { latency: 'low' } }],
      ['gpu.memory', { gpu: { memory: 'big' } }],
      ['scan.debounceMs', { scan: { debounceMs: -1 } }],
      ['scan.debounceMs', { scan: { debounceMs: 3_600_001 } }],
      ['surprise', { surprise: true }],
    ])('names %s', (field, change) => {
      const { parse } = setup()
      expect(() => parse({ ...JSON_CONFIG, ...change })).toThrow(new RegExp(`^Invalid agent configuration: ${field.replace('.', '\\.')}:`))
    })

    it('names a field missing', () => {
      const { parse } = setup()
      const { price: _price, ...rest } = JSON_CONFIG
      expect(() => parse(rest)).toThrow(/^Invalid agent configuration: price:/)
    })

    it('refuses text that is not YAML or JSON', () => {
      expect(() => parseAgentConfig('clusterId: [', 'yaml')).toThrow(/^Invalid agent configuration: not YAML/)
      expect(() => parseAgentConfig('{', 'json')).toThrow(/^Invalid agent configuration: not JSON/)
    })

    it('refuses a document that is not an object', () => {
      expect(() => parseAgentConfig('- a\n- b\n', 'yaml')).toThrow(/^Invalid agent configuration: config:/)
    })

    function setup() {
      return { parse: (value: unknown) => parseAgentConfig(JSON.stringify(value), 'json') }
    }
  })
})
