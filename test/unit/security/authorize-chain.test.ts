import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { ChainDeps } from '../../../core/chain/chain-deps.ts'
import type { ChainMessage, ChainPayload } from '../../../core/chain/model.ts'
import { startChain } from '../../../core/chain/start-chain.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import type { Caller } from '../../../core/security/authorize.ts'
import { chainMessageFromWire, chainMessageToWire } from '../../../core/wire/chain-codec.ts'
import { chainRoutes } from '../../../functions/http/chain-routes.ts'
import type { AppEnv } from '../../../functions/http/env.ts'
import { onError } from '../../../functions/http/error-handler.ts'
import { correlation } from '../../../functions/http/middleware.ts'
import { FakeChainNetwork } from '../../support/fake-chain-network.ts'
import { aK8SliceFlavour, aProvider } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'

const FLAVOUR = 'provider.local-k8slice-0001'
const ROUTE = ['consumer-node', 'consumer-supernode', 'provider-supernode', 'provider-node']
const configuration = { type: 'k8slice' as const, cpu: Quantity.parse('2'), memory: Quantity.parse('4Gi'), pods: Quantity.parse('10') }
type Entry = { to: string; message: ChainMessage }

describe('chain authorisation', () => {
  describe('POST /rear/v1/chain/messages: the sender is the signer', () => {
    it.each([
      ['a RESERVE_OK', { type: 'RESERVE_OK', transactionId: 'tx-forged', expiresAt: new Date('2026-01-01T01:00:00Z') }],
      ['a PURCHASE_OK', { type: 'PURCHASE_OK', contractId: 'contract-forged' }],
    ] as const)('refuses %s "from consumer-supernode" signed by another peer with 403 SENDER_NOT_SIGNER, queueing nothing', async (_what, payload) => {
      const { post, queued } = await routeSetup({ kind: 'peer', id: 'attacker-node', keyId: 'attacker-node#k1' })
      const res = await post(message(payload))
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ code: 'SENDER_NOT_SIGNER' })
      expect(queued).toEqual([])
    })

    it("refuses a chain message signed by the participant's own agent", async () => {
      const { post, queued } = await routeSetup({ kind: 'agent', id: 'consumer-node', keyId: 'consumer-node#agent' })
      expect((await post(message({ type: 'PURCHASE_OK', contractId: 'c-1' }))).status).toBe(403)
      expect(queued).toEqual([])
    })

    it('refuses a legacy peer speaking for another participant', async () => {
      const { post } = await routeSetup({ kind: 'unsigned', reason: 'legacy-peer', id: 'go-provider' })
      expect((await post(message({ type: 'RELEASE', reason: 'x' }))).status).toBe(403)
    })

    it.each([
      ['signed by the sender', { kind: 'peer', id: 'consumer-supernode', keyId: 'consumer-supernode#k1' } as Caller],
      ['unsigned from loopback (local mode)', { kind: 'unsigned', reason: 'loopback' } as Caller],
      ['with no signature middleware at all', undefined],
    ])('accepts a message %s', async (_what, caller) => {
      const { post, queued } = await routeSetup(caller)
      expect((await post(message({ type: 'RELEASE', reason: 'x' }))).status).toBe(202)
      expect(queued).toHaveLength(1)
    })
  })

  describe('a PURCHASE_OK names the transaction the hop holds downstream', () => {
    it('every PURCHASE_OK of a real chain names the transaction its sender reserved', async () => {
      const { network, start, hopAt } = await chainSetup()
      const origin = await start()
      await network.runUntilIdle()
      const answers = network.sent.filter((m) => m.payload.type === 'PURCHASE_OK')
      expect(answers).toHaveLength(3)
      for (const answer of answers) {
        const upstream = hopAt(answer.to, origin.chainId)
        expect(answer.payload).toMatchObject({ transactionId: 'downstreamTransactionId' in upstream ? upstream.downstreamTransactionId : 'none' })
        expect(chainMessageFromWire(chainMessageToWire(answer)).payload).toEqual(answer.payload)
      }
      expect(hopAt('consumer-node', origin.chainId).state).toBe('purchased')
    })

    it('ignores a PURCHASE_OK for another transaction, logs CHAIN_ANSWER_MISMATCH, then takes the real one', async () => {
      const { network, start, hopAt, consumer } = await chainSetup()
      const origin = await start()
      const rest = await deliverUntil(network, (e) => e.to === 'provider-node' && e.message.payload.type === 'PURCHASE')
      expect(hopAt('consumer-node', origin.chainId).state).toBe('purchasing')
      await network.deliver({ to: 'consumer-node', message: forged(origin.chainId, { type: 'PURCHASE_OK', contractId: 'contract-evil', transactionId: 'tx-of-someone-else' }) })
      expect(hopAt('consumer-node', origin.chainId)).toMatchObject({ state: 'purchasing' })
      expect(consumer().store.contracts.size).toBe(0)
      expect(consumer().store.allocations.size).toBe(0)
      expect(network.logger.named('CHAIN_ANSWER_MISMATCH')).toEqual([
        expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ chainId: origin.chainId, from: 'consumer-supernode' }) }),
      ])
      network.pending.push(...rest)
      await network.runUntilIdle()
      expect(hopAt('consumer-node', origin.chainId).state).toBe('purchased')
      expect(consumer().store.contracts.size).toBe(1)
    })

    it('still takes a PURCHASE_OK without a transaction id (an older sender)', async () => {
      const { network, start, hopAt } = await chainSetup()
      const origin = await start()
      const answers = await deliverUntil(network, (e) => e.to === 'consumer-node' && e.message.payload.type === 'PURCHASE_OK')
      const { transactionId: _dropped, ...older } = answers[0]!.message.payload as Extract<ChainPayload, { type: 'PURCHASE_OK' }>
      await network.deliver({ to: 'consumer-node', message: { ...answers[0]!.message, payload: older } })
      expect(hopAt('consumer-node', origin.chainId).state).toBe('purchased')
    })
  })

  describe('RELEASE comes from upstream only', () => {
    it.each([
      ['downstream (the provider to its supernode)', 'provider-supernode', 'provider-node'],
      ['a participant of the route that is not the neighbour', 'provider-node', 'consumer-node'],
      ['a stranger', 'provider-node', 'attacker-node'],
    ])('ignores a RELEASE from %s: the hold stays', async (_who, to, from) => {
      const { network, start, hopAt, held } = await chainSetup({ deferPurchase: true })
      const origin = await start()
      await network.runUntilIdle()
      expect(held()).toHaveLength(1)
      await network.deliver({ to, message: { ...forged(origin.chainId, { type: 'RELEASE', reason: 'forged' }), from, to } })
      expect(hopAt(to, origin.chainId).state).toBe('reserved')
      expect(held()).toHaveLength(1)
    })
  })

  function message(payload: ChainPayload): ChainMessage {
    return forged('chain-1', payload)
  }

  function forged(chainId: string, payload: ChainPayload): ChainMessage {
    return { id: `${chainId}:${payload.type}:forged`, chainId, from: 'consumer-supernode', to: 'consumer-node', route: ROUTE, payload, sentAt: new Date('2026-01-01T00:00:00Z') }
  }

  async function deliverUntil(network: FakeChainNetwork, stop: (entry: Entry) => boolean): Promise<Entry[]> {
    for (let i = 0; i < 200 && network.pending.length; i++) {
      if (stop(network.pending[0]!)) return network.pending.splice(0)
      await network.deliver(network.pending.shift()!)
    }
    return []
  }

  async function routeSetup(caller: Caller | undefined) {
    const consumer = await createInMemoryParticipant({ env: { PARTICIPANT_ID: 'consumer-node', PARTICIPANT_DOMAIN: 'consumer.local' } })
    const app = appWithCaller(consumer.participant.app.chain, caller)
    const post = (body: ChainMessage) =>
      app.request('/rear/v1/chain/messages', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(chainMessageToWire(body)) })
    return { post, queued: consumer.queued }
  }

  function appWithCaller(chain: ChainDeps, caller: Caller | undefined) {
    const app = new Hono<AppEnv>()
    app.use('*', correlation(new RecordingLogger(), 'consumer-node'))
    app.use('*', async (c, next) => {
      if (caller) c.set('caller', caller)
      await next()
    })
    app.onError(onError)
    app.route('/', chainRoutes(chain))
    return app
  }

  async function chainSetup(input: { deferPurchase?: boolean } = {}) {
    const network = new FakeChainNetwork()
    for (const id of ROUTE) network.add(id, id.startsWith('consumer') ? 'consumer.local' : 'provider.local')
    network.path(...ROUTE)
    const flavour = aK8SliceFlavour({ owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })
    await network.sell('provider-node', flavour)
    const consumer = () => network.participants.get('consumer-node')!
    const provider = () => network.participants.get('provider-node')!
    await consumer().deps.candidates.put([{ flavour, route: ROUTE.slice(1), seenAt: network.clock.now(), expiresAt: new Date(network.clock.now().getTime() + 300_000) }])
    const start = () => startChain(consumer().deps, { flavourId: FLAVOUR, providerId: 'provider-node', configuration, ...(input.deferPurchase ? { deferPurchase: true } : {}) })
    const hopAt = (id: string, chainId: string) => network.participants.get(id)!.hops.hops.get(chainId)!
    const held = () => [...provider().store.transactions.values()].filter((t) => t.status === 'reserved' || t.status === 'purchased')
    return { network, start, hopAt, held, consumer }
  }
})
