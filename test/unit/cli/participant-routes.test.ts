import { describe, expect, it } from 'vitest'
import { aContract, aK8SliceFlavour, anOriginHop, aRemoteFlavour, aServiceFlavour } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'
import type { InMemoryParticipant } from '../../support/in-memory-participant.ts'
import { FakeParticipant, runRear } from './fake-participant.ts'
import type { RunResult } from './fake-participant.ts'
import { runCli } from '../../../cli/program.ts'
import type { CliIo } from '../../../cli/io.ts'

/** `rear` against a participant composed as in the cloud, over `app.request`. */
async function rearAt(participant: InMemoryParticipant, argv: string[], env: Record<string, string> = {}): Promise<RunResult> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    fetch: async (input, init) => participant.app.request(String(input), init),
    readFile: async () => '',
    readStdin: async () => '',
    sleep: async () => undefined,
    now: () => new Date(),
  }
  const code = await runCli(argv, io)
  return { code, stdout, stderr }
}

describe('rear against a participant\'s own routes', () => {
  it('lists flavours in a table and as the wire array, and the empty list for a 204', async () => {
    const { withFlavours, empty } = await setup()

    const text = await rearAt(withFlavours, ['flavours'])
    const json = await rearAt(withFlavours, ['flavours', '--json'])
    const none = await rearAt(empty, ['flavours', '--json'])

    expect(text.code).toBe(0)
    expect(text.stdout.split('\n')[0]).toMatch(/^FLAVOUR\s+TYPE\s+PROVIDER\s+OFFERS\s+PRICE\s+COUNTRY$/)
    expect(text.stdout).toMatch(/provider\.local-k8slice-0001\s+k8slice\s+provider-1\s+amd64 \d+ CPU, \S+, \d+ pods/)
    expect(text.stdout).toMatch(/database \[postgres\]/)
    expect((JSON.parse(json.stdout) as { flavorID: string }[]).map((f) => f.flavorID).sort()).toEqual(['provider.local-k8slice-0001', 'provider.local-service-db'])
    expect(none).toMatchObject({ code: 0, stdout: '[]\n' })
  })

  it('filters flavours through the selector route', async () => {
    const { withFlavours } = await setup()

    const services = await rearAt(withFlavours, ['flavours', '--type', 'service', '--json'])
    const big = await rearAt(withFlavours, ['flavours', '--filter', 'cpu>=1000', '--json'])

    expect((JSON.parse(services.stdout) as { flavorID: string }[]).map((f) => f.flavorID)).toEqual(['provider.local-service-db'])
    expect(big).toMatchObject({ code: 0, stdout: '[]\n' })
  })

  it('exits 3 with the participant\'s code for a bad selector', async () => {
    const { withFlavours } = await setup()

    const run = await rearAt(withFlavours, ['flavours', '--filter', 'cpu>=lots'])

    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/answered 400 \S+: .*cpu/)
  })

  it('lists the Peering Candidates with their routes, behind the admin token', async () => {
    const { withFlavours } = await setup()
    await withFlavours.candidates.put([aRemoteFlavour({ route: ['consumer-supernode', 'provider-node'] })])

    const refused = await rearAt(withFlavours, ['candidates'])
    const text = await rearAt(withFlavours, ['candidates'], { REAR_ADMIN_TOKEN: ADMIN_TOKEN })
    const json = await rearAt(withFlavours, ['--admin-token', ADMIN_TOKEN, 'candidates', '--json'])

    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain('401')
    expect(text.stdout).toContain('consumer-supernode → provider-node')
    expect(JSON.parse(json.stdout)).toMatchObject({ entries: [{ flavorID: 'provider.local-k8slice-0001', route: ['consumer-supernode', 'provider-node'] }], next: null })
  })

  it('shows a contract without its kubeconfig, and the whole answer with --json', async () => {
    const { withFlavours } = await setup()
    const contract = aContract()
    withFlavours.store.contracts.set(contract.id, contract)

    const text = await rearAt(withFlavours, ['contracts', contract.id], { REAR_ADMIN_TOKEN: ADMIN_TOKEN })
    const json = await rearAt(withFlavours, ['contracts', contract.id, '--json'], { REAR_ADMIN_TOKEN: ADMIN_TOKEN })
    const unknown = await rearAt(withFlavours, ['contracts', 'contract-unknown'], { REAR_ADMIN_TOKEN: ADMIN_TOKEN })

    expect(text.code).toBe(0)
    expect(text.stdout).toContain(`contract ${contract.id}  active`)
    expect(text.stdout).not.toContain(contract.peeringTargetCredentials.kubeconfig)
    expect(JSON.parse(json.stdout)).toMatchObject({ contractID: contract.id, status: 'active', releasedAt: null })
    expect(unknown.code).toBe(3)
    expect(unknown.stderr).toContain('404')
  })

  it('says the participant offers no contract listing, and shows those of its intents (none yet)', async () => {
    const { withFlavours } = await setup()

    const run = await rearAt(withFlavours, ['contracts'], { REAR_ADMIN_TOKEN: ADMIN_TOKEN })

    expect(run.code).toBe(0)
    expect(run.stderr).toContain('has no route that lists contracts')
  })

  it('shows an operation, and exits 1 for a failed one', async () => {
    const { withFlavours } = await setup()
    await withFlavours.hops.create(anOriginHop({ state: 'purchased', contractId: 'contract-1', allocationId: 'allocation-1' }))
    await withFlavours.hops.create(anOriginHop({ chainId: 'chain-2', state: 'failed', failure: { hop: 'provider-node', code: 'RESERVE_REFUSED', reason: 'capacity gone' } }))

    const refused = await rearAt(withFlavours, ['operation', 'chain-1'])
    const purchased = await rearAt(withFlavours, ['operation', 'chain-1'], { REAR_ADMIN_TOKEN: ADMIN_TOKEN })
    const failed = await rearAt(withFlavours, ['--admin-token', ADMIN_TOKEN, 'operation', 'chain-2', '--json'])

    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain('401')

    expect(purchased.code).toBe(0)
    expect(purchased.stdout).toContain('operation chain-1  purchased')
    expect(purchased.stdout).toContain('allocation  allocation-1')
    expect(purchased.stdout).toContain('CHAIN_STARTED')
    expect(failed.code).toBe(1)
    expect(JSON.parse(failed.stdout)).toMatchObject({ operationId: 'chain-2', state: 'failed' })
    expect(failed.stderr).toContain('operation chain-2 failed: RESERVE_REFUSED capacity gone')
  })

  async function setup() {
    const env = { ADMIN_TOKEN }
    const withFlavours = await createInMemoryParticipant({ env, flavours: [aK8SliceFlavour(), aServiceFlavour({ id: 'provider.local-service-db', category: 'database', tags: ['postgres'] })] })
    const empty = await createInMemoryParticipant({ env })
    return { withFlavours, empty }
  }
})

const ADMIN_TOKEN = 'admin-token-0123456789'

describe('rear listings without a listing route', () => {
  it('shows the contracts of the intents, saying there is no contract listing', async () => {
    const { participant } = setup()

    const text = await runRear(['contracts'], participant)
    const json = await runRear(['contracts', '--json'], participant)

    expect(text.code).toBe(0)
    expect(text.stderr).toContain('has no route that lists contracts')
    expect(text.stdout).toMatch(/contract-1\s+active\s+provider-node/)
    expect(JSON.parse(json.stdout)).toMatchObject({ source: 'intents', contracts: [{ intentId: 'intent-1', operationId: 'chain-1', contractID: 'contract-1', status: 'active' }] })
  })

  it('pages through the intents up to --limit', async () => {
    const { participant } = setup()

    await runRear(['contracts', '--limit', '3'], participant)

    const pages = participant.requests.filter((r) => r.url.pathname === '/intents/v1').map((r) => r.url.search)
    expect(pages).toEqual(['?limit=3', '?limit=1&cursor=next-1'])
  })

  it('shows allocations through the operations of the intents, or of --operation', async () => {
    const { participant } = setup()

    const fromIntents = await runRear(['allocations', '--json'], participant)
    const given = await runRear(['allocations', '--operation', 'chain-1'], participant)

    expect(fromIntents.stderr).toContain('has no route that lists allocations')
    expect(JSON.parse(fromIntents.stdout)).toEqual({
      source: 'intents',
      note: expect.stringContaining('GET /intents/v1'),
      allocations: [{ allocationId: 'allocation-1', operationId: 'chain-1', intentId: 'intent-1', state: 'purchased', contractId: 'contract-1', peering: { status: 'active', at: '2026-11-23T14:00:00.000Z', detail: null }, remoteClusterId: 'liqo-provider' }],
    })
    expect(given.stderr).toBe('')
    expect(given.stdout).toMatch(/allocation-1\s+chain-1\s+purchased\s+active\s+contract-1/)
  })

  it('shows the providers\' metrics', async () => {
    const { participant } = setup()

    const text = await runRear(['providers'], participant)
    const json = await runRear(['providers', '--json'], participant)

    expect(text.stdout).toMatch(/provider-node\s+4\s+75%\s+120 ms\s+3400 ms\s+2\s+4\.5/)
    expect(JSON.parse(json.stdout)).toEqual(PROVIDERS)
  })

  it('discovers with the selector, the fresh flag and the failed peers', async () => {
    const { participant } = setup()

    const run = await runRear(['discover', '--filter', 'architecture=amd64', '--filter', 'memory>=4Gi', '--fresh'], participant)

    expect(participant.requests[0]!.url.pathname).toBe('/discovery/v1/flavors/k8slice')
    expect([...participant.requests[0]!.url.searchParams]).toEqual([['filter[architecture][match]', 'amd64'], ['filter[memory][range][min]', '4Gi'], ['fresh', 'true']])
    expect(run.stdout).toContain('consumer-supernode → provider-node')
    expect(run.stderr).toContain('peer failed: catalog')
  })

  function setup() {
    const intent = { id: 'intent-1', phase: 'Solved', action: 'peer', operationId: 'chain-1', contractId: 'contract-1', allocationId: 'allocation-1' }
    const participant = new FakeParticipant()
      .on('GET', '/intents/v1', (r) =>
        r.url.searchParams.get('cursor') ? { body: { intents: [{ id: 'intent-0', phase: 'Failed', operationId: null, contractId: null }], next: null } } : { body: { intents: [intent, { id: 'intent-2', phase: 'Running', operationId: null }], next: 'next-1' } },
      )
      .on('GET', '/admin/v1/contracts/contract-1', { body: { contractID: 'contract-1', status: 'active', seller: { ID: 'provider-node' }, flavor: { flavorID: 'f-1', type: { name: 'k8slice', data: { charateristics: { cpu: '2', memory: '4Gi', pods: '10' } } } }, expirationTime: '2027-01-01T00:00:00Z' } })
      .on('GET', '/chain/v1/operations/chain-1', { body: { operationId: 'chain-1', state: 'purchased', contractID: 'contract-1', allocationID: 'allocation-1', remoteClusterID: 'liqo-provider', peering: { status: 'active', at: '2026-11-23T14:00:00.000Z', detail: null } } })
      .on('GET', '/providers/v1', { body: PROVIDERS })
      .on('GET', '/discovery/v1/flavors/k8slice', { body: { correlationId: 'c', candidates: [{ providerID: 'provider-node', route: ['consumer-supernode', 'provider-node'], flavor: { flavorID: 'f-1', type: { name: 'k8slice', data: { charateristics: { cpu: '4', memory: '8Gi', pods: '110' } } } } }], failedPeers: ['catalog'] } })
    return { participant }
  }
})

const PROVIDERS = { providers: [{ providerId: 'provider-node', chains: 4, successRate: 0.75, meanAnswerMs: 120, meanPeeringMs: 3400, ratings: 2, meanRating: 4.5 }] }

describe('rear release', () => {
  it('releases and waits until the operation is released, printing its new events once', async () => {
    const { participant } = setup()
    participant.sequence('GET', '/chain/v1/operations/chain-1', [{ body: hop('purchased', 2) }, { body: hop('released', 3) }])

    const run = await runRear(['release', 'chain-1'], participant)

    expect(run.code).toBe(0)
    expect(participant.requests[0]).toMatchObject({ method: 'POST', body: '{}' })
    expect(participant.requests[0]!.url.pathname).toBe('/chain/v1/operations/chain-1/release')
    expect(run.stdout).toBe('operation chain-1 released\n')
    expect(run.stderr.split('\n').filter((l) => l.startsWith('[consumer-node]'))).toEqual(['[consumer-node] CHAIN_STARTED', '[consumer-node] PURCHASED', '[consumer-node] RELEASE_SENT: to consumer-supernode', '[consumer-node] RELEASED'])
  })

  it('with --no-wait prints the 202 answer', async () => {
    const { participant } = setup()

    const run = await runRear(['release', 'chain-1', '--no-wait', '--json'], participant)

    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ operationId: 'chain-1', state: 'purchased' })
    expect(participant.requests).toHaveLength(1)
  })

  it('exits 3 on a 409 while the chain is in flight, and 1 when the release does not finish in time', async () => {
    const { participant } = setup()
    const stuck = await runRear(['release', 'chain-1', '--timeout', '1'], participant, { now: clockStepping(600) })
    participant.on('POST', '/chain/v1/operations/chain-1/release', { status: 409, body: { code: 'CHAIN_IN_FLIGHT', message: 'still reserving' } })

    const inFlight = await runRear(['release', 'chain-1'], participant)

    expect(stuck.code).toBe(1)
    expect(stuck.stderr).toContain('still purchased after 1 s')
    expect(inFlight.code).toBe(3)
    expect(inFlight.stderr).toContain('409 CHAIN_IN_FLIGHT: still reserving')
  })

  function setup() {
    const participant = new FakeParticipant().on('POST', '/chain/v1/operations/chain-1/release', { status: 202, body: hop('purchased', 2) }).on('GET', '/chain/v1/operations/chain-1', { body: hop('purchased', 2) })
    return { participant }
  }
})

const EVENTS = [{ event: 'CHAIN_STARTED' }, { event: 'PURCHASED' }, { event: 'RELEASE_SENT', detail: 'to consumer-supernode' }, { event: 'RELEASED' }]

const hop = (state: string, events: number) => ({
  operationId: 'chain-1',
  participant: 'consumer-node',
  position: 'origin',
  state,
  timeline: EVENTS.slice(0, events + (state === 'released' ? 1 : 0)).map((e, i) => ({ at: `2026-11-23T14:00:0${i}.000Z`, ...e })),
})

function clockStepping(ms: number): () => Date {
  let now = Date.parse('2026-11-23T14:00:00Z')
  return () => new Date((now += ms))
}
