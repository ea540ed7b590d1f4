import { KubeConfig } from '@kubernetes/client-node'
import type { V1Node } from '@kubernetes/client-node'
import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseAgentConfig } from '../../../agent/config.ts'
import { ParticipantClient } from '../../../agent/participant-client.ts'
import { agentOptions, stopOnSignals } from '../../../agent/main.ts'
import { runAgent } from '../../../agent/run-agent.ts'
import { startFakeKube } from '../../../local/fake-kube/index.ts'
import type { KubeObject } from '../../../local/fake-kube/index.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { aNode } from '../../support/kube-factories.ts'
import { aK8SliceFlavour } from '../../support/factories.ts'

const CONFIG = `
clusterId: cluster-a
domain: provider.local
owner: { id: provider-1, ip: 127.0.0.1:30001, domain: provider.local }
price: { amount: "0.04", currency: EUR, period: hourly }
partitionability: { cpuMin: "1", memoryMin: 1Gi, podsMin: "1", cpuStep: "1", memoryStep: 512Mi, podsStep: "1" }
`

describe('the agent', () => {
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop()
  })

  it("offers each eligible node of its cluster at its participant, and withdraws a node that is cordoned", async () => {
    const { node, advertised, start } = await setup()
    node(aNode({ name: 'worker-1' }))
    node(aNode({ name: 'worker-2', allocatable: { cpu: '4' } }))
    await start()
    await expect.poll(advertised).toEqual(['4', '8'])
    node(aNode({ name: 'worker-2', allocatable: { cpu: '4' }, unschedulable: true }))
    await expect.poll(advertised).toEqual(['8'])
  })

  it('refreshes a node’s flavour in place when its pods change, never adding a second one', async () => {
    const { node, advertised, start } = await setup()
    node(aNode({ name: 'worker-1' }))
    await start()
    await expect.poll(advertised).toEqual(['8'])
    node(aNode({ name: 'worker-1', allocatable: { cpu: '6' } }))
    await expect.poll(advertised).toEqual(['6'])
  })

  it('is refused by a participant that wants a token it was not given', async () => {
    const { participant } = await setup({ agentToken: 'agent-token-0123456789' })
    await expect(new ParticipantClient({ baseUrl: 'http://participant.test', fetch: participant.fetch }).putFlavour(aK8SliceFlavour())).rejects.toMatchObject({ status: 401 })
  })

  it('reads its options from arguments first, then the environment', () => {
    expect(agentOptions(['--participant', 'https://p.example', '--config', 'a.yaml'], { REAR_AGENT_TOKEN: 't', KUBECONFIG: '/k' })).toEqual({
      help: false,
      participant: 'https://p.example',
      config: 'a.yaml',
      kubeconfig: '/k',
      token: 't',
    })
    expect(agentOptions([], { REAR_PARTICIPANT_URL: 'http://x', REAR_AGENT_CONFIG: 'c.json' })).toEqual({ help: false, participant: 'http://x', config: 'c.json' })
  })

  describe('signals', () => {
    const signals = () => {
      const target = Object.assign(new EventEmitter(), { exit: vi.fn<(code: number) => void>() })
      const stop = stopOnSignals(target, new RecordingLogger())
      return { target, stop }
    }

    it('are handled before start ends: a signal while the first lists still wait exits 0 at once', () => {
      const { target } = signals()
      target.emit('SIGTERM')
      expect(target.exit).toHaveBeenCalledWith(0)
    })

    it('stop a started agent, then exit 0', async () => {
      const { target, stop } = signals()
      const agent = { stop: vi.fn(async () => {}) }
      stop.started(agent)
      target.emit('SIGINT')
      expect(agent.stop).toHaveBeenCalledOnce()
      await vi.waitFor(() => expect(target.exit).toHaveBeenCalledWith(0))
    })

    it('still stop an agent handed over after the first signal, should exit not have ended the process', async () => {
      const { target, stop } = signals()
      target.exit.mockImplementation(() => {})
      target.emit('SIGTERM')
      const agent = { stop: vi.fn(async () => {}) }
      stop.started(agent)
      expect(agent.stop).toHaveBeenCalledOnce()
    })

    it('exit at once on a second signal while stopping, and 1 when stopping fails', async () => {
      const { target, stop } = signals()
      stop.started({ stop: () => Promise.reject(new Error('stuck')) })
      target.emit('SIGTERM')
      await vi.waitFor(() => expect(target.exit).toHaveBeenCalledWith(1))
      const second = signals()
      second.stop.started({ stop: () => new Promise(() => {}) })
      second.target.emit('SIGTERM')
      second.target.emit('SIGINT')
      expect(second.target.exit).toHaveBeenCalledWith(0)
    })
  })

  async function setup(options: { agentToken?: string } = {}) {
    const kube = await startFakeKube({ bookmarkIntervalMs: 60_000 })
    stops.push(() => kube.stop())
    const provider = await createInMemoryParticipant({ env: options.agentToken ? { AGENT_TOKEN: options.agentToken } : {} })
    const participant = { fetch: ((input: string | URL | Request, init?: RequestInit) => provider.app.fetch(new Request(input, init))) as typeof fetch }
    const kubeConfig = new KubeConfig()
    kubeConfig.loadFromOptions(kube.kubeconfig.options)
    const start = async () => {
      const agent = await runAgent({
        kubeConfig,
        config: parseAgentConfig(CONFIG, 'yaml'),
        participant: new ParticipantClient({ baseUrl: 'http://participant.test', fetch: participant.fetch }),
        logger: new RecordingLogger(),
        debounceMs: 10,
      })
      stops.push(() => agent.stop())
    }
    const advertised = async () => {
      const res = await provider.request('GET', '/api/v2/flavors/k8slice')
      return ((res.body ?? []) as { type: { data: { charateristics: { cpu: string } } } }[]).map((f) => f.type.data.charateristics.cpu).sort()
    }
    const node = (object: V1Node) => kube.store.apply(object as KubeObject)
    return { kube, node, participant, start, advertised }
  }
})
