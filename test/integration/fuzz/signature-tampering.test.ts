import { describe, expect, it } from 'vitest'
import type { Role } from '../../../core/peers/model.ts'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { aK8SliceFlavour, aProvider } from '../../support/factories.ts'
import { createFuzzParticipant, FUZZ_AGENT_TOKEN, inParallel, SIGNED_SELF_URL, tableChanges } from '../../support/fuzz-participants.ts'
import type { SignedRoute, TamperedRequest, WireRequest } from '../../support/fuzz-signatures.ts'
import { FuzzRequestSigner, sendWire, signatureTampering } from '../../support/fuzz-signatures.ts'

const MIN_TAMPERED_PER_ROLE = 1_000
/** Past the 60 s validity and the 30 s of skew a signature is allowed. */
const PAST_THE_WINDOW_MS = 91_000

const buyer = (id: string) => ({ ID: id, IP: '127.0.0.1:30000', domain: 'consumer.local', additionalInformation: { liqoID: `liqo-${id}` } })
const small = { type: 'k8slice', data: { cpu: '1', memory: '1Gi', pods: '1' } }

/** One valid call per signed route family, in an order in which each succeeds once. */
function signedRoutes(role: Role, transactions: { reserved: string; held?: string }): SignedRoute[] {
  const agent = { Authorization: `Bearer ${FUZZ_AGENT_TOKEN}` }
  const agentFlavour = 'provider.local-k8slice-agent'
  return [
    { family: 'list', method: 'GET', path: '/api/v2/flavors', signer: 'consumer-4', writes: false },
    { family: 'list', method: 'GET', path: '/api/v2/flavors/k8slice?filter[cpu][range][min]=1', signer: 'consumer-4', writes: false },
    { family: 'relay list', method: 'POST', path: '/rear/v1/relay/list-flavours', body: { type: 'k8slice', visited: ['consumer-node'], hopsLeft: 1, correlationId: 'fuzz-signed', budgetMs: 200 }, signer: 'consumer-node', writes: false },
    { family: 'reserve', method: 'POST', path: '/api/v2/reservations', body: { flavorID: 'provider.local-k8slice-0001', buyerID: buyer('consumer-4'), configuration: small }, signer: 'consumer-4', writes: true },
    { family: 'purchase', method: 'POST', path: `/api/v2/transactions/${transactions.reserved}/purchase`, body: { liqoCredentials: { clusterID: 'liqo-consumer-1', kubeconfig: 'a3ViZQ==' } }, signer: 'consumer-1', writes: true },
    { family: 'cancel', method: 'DELETE', path: `/api/v2/transactions/${transactions.held!}`, signer: 'consumer-3', writes: true },
    {
      family: 'chain message',
      method: 'POST',
      path: '/rear/v1/chain/messages',
      body: {
        id: 'chain-signed:RESERVE:consumer-node',
        chainId: 'chain-signed',
        from: 'consumer-node',
        to: 'provider-1',
        route: ['consumer-node', 'provider-1'],
        replyTo: 'http://127.0.0.1:30000',
        payload: { type: 'RESERVE', buyer: buyer('consumer-node'), flavorID: 'provider.local-k8slice-0001', providerID: 'provider-1', configuration: small },
        sentAt: '2026-01-01T00:00:00.000Z',
      },
      signer: 'consumer-node',
      writes: true,
    },
    ...(role === 'node'
      ? []
      : [
          { family: 'publication', method: 'PUT', path: '/rear/v1/publications/publisher-1', body: { flavors: [flavourToWire(aK8SliceFlavour({ id: 'publisher.local-k8slice-0002', owner: aProvider({ id: 'publisher-1', domain: 'publisher.local' }) }))] }, signer: 'publisher-1', writes: true },
          { family: 'publication', method: 'DELETE', path: '/rear/v1/publications/publisher-1', signer: 'publisher-1', writes: true },
        ]),
    { family: 'agent', method: 'GET', path: '/agent/v1/commands?wait=0&max=1', headers: agent, signer: 'agent', writes: false },
    { family: 'agent', method: 'PUT', path: '/agent/v1/cluster', body: { clusterId: 'liqo-provider', liqoReady: true }, headers: agent, signer: 'agent', writes: true },
    { family: 'agent', method: 'PUT', path: `/agent/v1/flavours/${agentFlavour}`, body: flavourToWire(aK8SliceFlavour({ id: agentFlavour, cpu: '2' })), headers: agent, signer: 'agent', writes: true },
    { family: 'agent', method: 'DELETE', path: `/agent/v1/flavours/${agentFlavour}`, headers: agent, signer: 'agent', writes: true },
  ]
}

const describeOutcome = (request: { label: string }, outcome: { status: number; body: string }) => `${outcome.status} ${request.label}: ${outcome.body.slice(0, 160)}`

describe.each<Role>(['node', 'supernode', 'catalog'])('signature and header tampering at a %s with signatures required, on DynamoDB Local', (role) => {
  it('refuses every tampered request with the 4xx that says why, and changes nothing in its table', async () => {
    const { tampered, run, participant, serveOriginals } = await setup()
    expect(tampered.length).toBeGreaterThanOrEqual(MIN_TAMPERED_PER_ROLE)

    const { outcomes, changed } = await run(tampered)

    const unsendable = outcomes.filter(({ outcome }) => outcome.status === 0)
    const serverErrors = outcomes.filter(({ outcome }) => outcome.status >= 500)
    const accepted = outcomes.filter(({ outcome }) => outcome.status > 0 && outcome.status < 400)
    const unexpected = outcomes.filter(({ request, outcome }) => outcome.status >= 400 && outcome.status < 500 && !meets(request, outcome))
    expect(unsendable.map(({ request, outcome }) => describeOutcome(request, outcome)), 'requests the runtime refused to build').toEqual([])
    expect.soft(serverErrors.map(({ request, outcome }) => describeOutcome(request, outcome)), 'server errors').toEqual([])
    expect.soft(accepted.map(({ request, outcome }) => describeOutcome(request, outcome)), 'tampered requests accepted').toEqual([])
    expect.soft(unexpected.map(({ request, outcome }) => describeOutcome(request, outcome)), 'answers other than the expected 4xx').toEqual([])
    expect(changed, 'items written by refused requests').toEqual([])
    expect(participant.queued, 'chain messages queued by refused requests').toEqual([])
    expect(participant.agentInbox!.waits, 'agent commands received by refused requests').toEqual([])
    expect((await participant.app.request(`${SIGNED_SELF_URL}/healthz`)).status).toBe(200)
    await serveOriginals()
  })

  it('serves the valid originals once each, then refuses their replays and signatures from before the validity window', async () => {
    const { routes, sign, send, participant, serveOriginals } = await setup()
    const late = await Promise.all(routes.map((route) => sign.sign(route)))

    const originals = await serveOriginals()
    const afterControls = await participant.snapshot()
    const replays = await inParallel(originals, send)
    const concurrent = await sign.sign(routes[0]!)
    const races = await inParallel(Array.from({ length: 8 }, () => concurrent), send)
    participant.clock.advance(PAST_THE_WINDOW_MS)
    const expired = await inParallel(late, send)

    expect(replays.map((r) => [r.status, code(r.body)])).toEqual(originals.map(() => [401, 'SIGNATURE_REPLAYED']))
    expect(races.filter((r) => r.status === 200 || r.status === 204)).toHaveLength(1)
    expect(races.filter((r) => r.status === 401 && code(r.body) === 'SIGNATURE_REPLAYED')).toHaveLength(7)
    expect(expired.map((r) => [r.status, code(r.body)])).toEqual(late.map(() => [401, 'SIGNATURE_EXPIRED']))
    expect(tableChanges(afterControls, await participant.snapshot()).filter((line) => !/^added NONCE#/.test(line))).toEqual([])
  })

  function meets(request: TamperedRequest, outcome: { status: number; body: string }): boolean {
    const said = code(outcome.body)
    return request.expect.some((e) => e.status === outcome.status && (!e.codes || e.codes.includes(said ?? '')))
  }

  function code(body: string): string | undefined {
    try {
      return (JSON.parse(body) as { code?: string }).code
    } catch {
      return undefined
    }
  }

  async function setup() {
    const participant = await createFuzzParticipant(role, { signed: true })
    const signers = participant.signers!
    const sign = new FuzzRequestSigner({ key: (owner) => ({ jwk: owner === 'agent' ? signers.agent : signers.peers[owner]!, keyId: signers.keyId(owner) }) }, participant.clock, SIGNED_SELF_URL)
    const routes = signedRoutes(role, participant.transactions)
    const tampered = await signatureTampering(routes, sign, { seed: 14, otherPeer: 'other-peer', retiredPeer: 'retired-peer', selfKeyId: 'provider-1#self-k1', agentToken: FUZZ_AGENT_TOKEN, share: 2 })
    const send = (request: WireRequest) => sendWire(participant.app, request)
    const run = async (requests: readonly TamperedRequest[]) => {
      const before = await participant.snapshot()
      const outcomes = await inParallel(requests, async (request) => ({ request, outcome: await send(request) }))
      const claimable = new Set(requests.flatMap((r) => (r.mayClaim ? [`added ${r.mayClaim} META`] : [])))
      return { outcomes, changed: tableChanges(before, await participant.snapshot()).filter((line) => !claimable.has(line)) }
    }
    /** The control group: each route's valid original, freshly signed, succeeds in turn. */
    const serveOriginals = async () => {
      const originals: WireRequest[] = []
      for (const route of routes) {
        const signed = await sign.sign(route)
        const outcome = await send(signed)
        expect(outcome.status, `control ${route.family} ${route.method} ${route.path}: ${outcome.body.slice(0, 300)}`).toBeLessThan(300)
        originals.push(signed)
      }
      return originals
    }
    return { participant, routes, sign, send, tampered, run, serveOriginals }
  }
})

