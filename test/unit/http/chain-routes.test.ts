import { describe, expect, it } from 'vitest'
import type { ChainMessage, ChainPayload } from '../../../core/chain/model.ts'
import { handleChainMessage } from '../../../core/chain/run-hop.ts'
import { chainMessageToWire } from '../../../core/wire/chain-codec.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'
import { aBuyer, aK8SliceFlavour, aPeer, aProvider } from '../../support/factories.ts'

const FLAVOUR = 'provider.local-k8slice-0001'
const operation = (configuration: Record<string, string> = { cpu: '2', memory: '4Gi', pods: '10' }) => ({
  flavorID: FLAVOUR,
  providerID: 'provider-node',
  configuration: { type: 'k8slice', data: configuration },
})

describe('chain routes', () => {
  describe('POST /rear/v1/chain/messages', () => {
    it('queues a message for this participant and answers 202', async () => {
      const { relay } = await setup()
      const res = await relay.request('POST', '/rear/v1/chain/messages', wire(reserve()))
      expect(res.status).toBe(202)
      expect(relay.queued).toHaveLength(1)
    })

    it.each([
      ['WRONG_RECIPIENT', () => wire({ ...reserve(), to: 'someone-else' })],
      ['INVALID_BODY', () => wire({ ...reserve(), payload: { type: 'TIMEOUT', phase: 'reserve' } })],
      ['INVALID_BODY', () => ({ ...wire(reserve()), replyTo: 'ftp://consumer-node' })],
      ['INVALID_BODY', () => ({ ...wire(reserve()), route: Array.from({ length: 18 }, (_, i) => `p${i}`) })],
      ['INVALID_BODY', () => ({ ...wire(reserve()), chainId: 'chain-\ud800' })],
      ['INVALID_BODY', () => ({ ...wire(reserve()), payload: { ...wire(reserve()).payload, extra: 1 } })],
      ['INVALID_BODY', () => JSON.parse(JSON.stringify(wire({ ...reserve(), payload: { type: 'RELEASE', reason: 'x' } })).replace('"reason":"x"', '"reason":"x","__proto__":{"polluted":true}'))],
      ['INVALID_BODY', () => wire({ ...reserve(), payload: { type: 'RELEASE', reason: 'x'.repeat(1025) } })],
      ['INVALID_BODY', () => wire({ ...reserve(), payload: { type: 'RESERVE_FAIL', failure: { hop: 'a/b', code: 'X', reason: 'y' } } })],
    ])('refuses %s with a 400 and queues nothing', async (code, body) => {
      const { relay } = await setup()
      const res = await relay.request('POST', '/rear/v1/chain/messages', body())
      expect(res.status).toBe(400)
      expect(res.body.code).toBe(code)
      expect(relay.queued).toEqual([])
    })

    it('fails a RESERVE whose next hop is not a known peer, telling upstream at its reply address', async () => {
      const { relay, calls } = await setup()
      await relay.request('POST', '/rear/v1/chain/messages', wire(reserve({ route: ['consumer-node', 'consumer-supernode', 'stranger'] })))
      await handleChainMessage(relay.participant.chain, relay.queued[0]!.message)
      const res = await relay.request('GET', '/chain/v1/operations/chain-1')
      expect(res.body).toMatchObject({ position: 'relay', state: 'failed', failure: { code: 'PEER_UNKNOWN', hop: 'stranger' } })
      expect(calls).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:30000/rear/v1/chain/messages', type: 'RESERVE_FAIL' })])
    })
  })

  describe('POST /chain/v1/operations', () => {
    it('answers 404 CANDIDATE_NOT_FOUND for a flavour never discovered', async () => {
      const { consumer } = await setup()
      const res = await consumer.request('POST', '/chain/v1/operations', { ...operation(), flavorID: 'unknown' })
      expect(res).toMatchObject({ status: 404, body: { code: 'CANDIDATE_NOT_FOUND' } })
    })

    it('answers 400 OWN_FLAVOUR for a candidate with an empty route', async () => {
      const { consumer, candidate } = await setup()
      await consumer.candidates.put([{ ...candidate(), route: [] }])
      const res = await consumer.request('POST', '/chain/v1/operations', operation())
      expect(res).toMatchObject({ status: 400, body: { code: 'OWN_FLAVOUR' } })
    })

    it.each([
      ['a negative cpu', { cpu: '-1', memory: '4Gi', pods: '10' }],
      ['more memory than offered', { cpu: '2', memory: '1Ti', pods: '10' }],
      ['a malformed quantity', { cpu: 'two', memory: '4Gi', pods: '10' }],
    ])('answers 400 for %s, writing and sending nothing', async (_what, configuration) => {
      const { consumer, candidate, calls } = await setup()
      await consumer.candidates.put([candidate()])
      const res = await consumer.request('POST', '/chain/v1/operations', operation(configuration))
      expect(res.status).toBe(400)
      expect(consumer.hops.hops.size).toBe(0)
      expect(calls).toEqual([])
    })

    it('starts a chain: 202 with the operation, RESERVE sent to the next hop', async () => {
      const { consumer, candidate, calls } = await setup()
      await consumer.candidates.put([candidate()])
      const res = await consumer.request('POST', '/chain/v1/operations', operation())
      expect(res.status).toBe(202)
      expect(res.body).toMatchObject({ state: 'reserving', route: ['consumer-node', 'consumer-supernode', 'provider-node'], downstream: 'consumer-supernode' })
      expect(res.headers.get('Location')).toBe(`/chain/v1/operations/${res.body.operationId}`)
      expect(calls.map((c) => c.type)).toEqual(['RESERVE'])
    })
  })

  describe('POST /chain/v1/operations/{id}/purchase', () => {
    it('answers 404 for an unknown operation', async () => {
      const { consumer } = await setup()
      expect(await consumer.request('POST', '/chain/v1/operations/chain-9/purchase', {})).toMatchObject({ status: 404, body: { code: 'OPERATION_NOT_FOUND' } })
    })

    it('answers 409 OPERATION_NOT_RESERVED for a chain that failed', async () => {
      const { consumer, candidate, down } = await setup()
      await consumer.candidates.put([candidate()])
      down.add('consumer-supernode')
      const started = await consumer.request('POST', '/chain/v1/operations', { ...operation(), deferPurchase: true })
      expect(started.body).toMatchObject({ state: 'failed', failure: { code: 'PEER_UNAVAILABLE' } })
      const res = await consumer.request('POST', `/chain/v1/operations/${started.body.operationId}/purchase`, {})
      expect(res).toMatchObject({ status: 409, body: { code: 'OPERATION_NOT_RESERVED' } })
    })
  })

  function reserve(overrides: Partial<ChainMessage> = {}): ChainMessage {
    const payload: ChainPayload = { type: 'RESERVE', buyer: aBuyer({ id: 'consumer-node' }), flavourId: FLAVOUR, providerId: 'provider-node' }
    return {
      id: 'chain-1:RESERVE:consumer-node',
      chainId: 'chain-1',
      from: 'consumer-node',
      to: 'consumer-supernode',
      route: ['consumer-node', 'consumer-supernode', 'provider-node'],
      replyTo: 'http://127.0.0.1:30000',
      payload,
      sentAt: new Date('2026-01-01T00:00:00Z'),
      ...overrides,
    }
  }

  function wire(message: ChainMessage) {
    return chainMessageToWire(message)
  }

  async function setup() {
    const calls: { url: string; type?: string }[] = []
    const down = new Set<string>()
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = String(input)
      if ([...down].some((id) => url.includes(id))) throw new TypeError('fetch failed')
      calls.push({ url, type: JSON.parse(String(init?.body ?? '{}')).payload?.type })
      return new Response(JSON.stringify({ accepted: true }), { status: 202, headers: { 'Content-Type': 'application/json' } })
    }
    const supernode = aPeer({ id: 'consumer-supernode', domain: 'consumer.local', role: 'supernode', baseUrl: 'http://consumer-supernode:30010' })
    const consumer = await createInMemoryParticipant({ env: { PARTICIPANT_ID: 'consumer-node', PARTICIPANT_DOMAIN: 'consumer.local' }, peers: [supernode], fetch })
    const relay = await createInMemoryParticipant({ role: 'supernode', env: { PARTICIPANT_ID: 'consumer-supernode', PARTICIPANT_DOMAIN: 'consumer.local' }, fetch })
    const flavour = aK8SliceFlavour({ cpu: '8', memory: '16Gi', owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })
    const candidate = () => ({ flavour, route: ['consumer-supernode', 'provider-node'], seenAt: consumer.clock.now(), expiresAt: new Date(consumer.clock.now().getTime() + 300_000) })
    return { consumer, relay, candidate, calls, down }
  }
})
