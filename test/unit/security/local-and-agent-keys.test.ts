import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { generateSigningKey } from '../../../adapters/security/ed25519-keys.ts'
import { agentSigner, parseAgentKey } from '../../../agent/agent-key.ts'
import { agentOptions } from '../../../agent/main.ts'
import { publicPart } from '../../../core/security/keys.ts'
import { federationKeys } from '../../../local/federation-keys.ts'
import { DEFAULT_FEDERATION } from '../../../local/federation.ts'
import { parseStartCommand } from '../../../local/start-options.ts'
import { startBanner } from '../../../local/start-banner.ts'

describe('the agent key', () => {
  it('reads --key as a file path and REAR_AGENT_KEY as the JWK itself', () => {
    expect(agentOptions(['--key', '/etc/rear/agent.jwk'], { REAR_AGENT_KEY: '{}' })).toMatchObject({ keyFile: '/etc/rear/agent.jwk' })
    expect(agentOptions([], { REAR_AGENT_KEY: '{"kty":"OKP"}' })).toMatchObject({ keyJson: '{"kty":"OKP"}' })
  })

  it('signs as agent#<kid> with a valid private JWK and refuses anything else', async () => {
    const key = generateSigningKey('a1')

    expect(agentSigner(parseAgentKey(JSON.stringify(key))).keyId).toBe('agent#a1')
    expect(() => parseAgentKey('not json')).toThrow(/not JSON/)
    expect(() => parseAgentKey(JSON.stringify(publicPart(key)))).toThrow(/agent key d/)
  })
})

describe('the local federation’s keys', () => {
  const dirs: string[] = []
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })

  it('makes a fresh pair per participant and agent on each start without --persist', async () => {
    const first = await federationKeys(DEFAULT_FEDERATION)
    const second = await federationKeys(DEFAULT_FEDERATION)

    expect([...first.keys()]).toEqual(DEFAULT_FEDERATION.map((p) => p.id))
    expect(first.get('provider-node')!.participant.x).not.toBe(second.get('provider-node')!.participant.x)
    expect(first.get('provider-node')!.participant.x).not.toBe(first.get('provider-node')!.agent.x)
  })

  it('keeps them in <dir>/keys with --persist, readable by the owner only, and reuses them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rear-keys-'))
    dirs.push(dir)

    const first = await federationKeys(DEFAULT_FEDERATION, dir)
    const second = await federationKeys(DEFAULT_FEDERATION, dir)

    expect(second.get('consumer-node')).toEqual(first.get('consumer-node'))
    expect((await stat(join(dir, 'keys', 'consumer-node.json'))).mode & 0o777).toBe(0o600)
  })

  it('turns the loopback allowance off with --secure, and the banner says which', () => {
    const secure = parseStartCommand(['--secure'], {})
    const open = parseStartCommand([], {})
    const federation = { emulators: { dynamoEndpoint: 'http://d', sqsEndpoint: 'http://s' }, participants: [] }

    expect(secure).toMatchObject({ options: { secure: true } })
    expect(open).toMatchObject({ options: { secure: false } })
    expect(startBanner(federation, 1000, {}, {}, { secure: true })).toContain('unsigned calls to /api, /rear and /agent get 401')
    expect(startBanner(federation, 1000)).toContain('Unsigned calls to /api, /rear and /agent are accepted from loopback')
  })
})
