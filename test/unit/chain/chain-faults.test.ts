import { describe, expect, it } from 'vitest'
import { releaseChain, startChain } from '../../../core/chain/start-chain.ts'
import { moveTo } from '../../../core/chain/hop-machine.ts'
import type { K8SliceFlavour } from '../../../core/flavours/model.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { contractFromWire } from '../../../core/wire/contract-codec.ts'
import { PeerUnavailableError } from '../../../core/shared/errors.ts'
import { FakeChainNetwork } from '../../support/fake-chain-network.ts'
import { aK8SliceFlavour, aProvider } from '../../support/factories.ts'

const FLAVOUR = 'provider.local-k8slice-0001'
const configuration = { type: 'k8slice' as const, cpu: Quantity.parse('2'), memory: Quantity.parse('4Gi'), pods: Quantity.parse('10') }
const ROUTE = ['consumer-node', 'consumer-supernode', 'provider-supernode', 'provider-node']

describe('chain faults', () => {
  describe('a route through a catalog that does not know the hop before it', () => {
    it('purchases: the catalog answers the reply address its RESERVE came with', async () => {
      const { network, start, hopAt } = await setup({ route: ['consumer-node', 'consumer-supernode', 'catalog', 'provider-node'] })
      network.participants.get('catalog')!.peers.peers.delete('consumer-supernode')
      const origin = await start()
      await network.runUntilIdle()
      for (const id of ['consumer-node', 'consumer-supernode', 'catalog', 'provider-node']) expect(hopAt(id, origin.chainId).state, id).toBe('purchased')
      expect(hopAt('catalog', origin.chainId)).toMatchObject({ upstreamUrl: 'http://consumer-supernode' })
    })
  })

  describe('a timeout during the purchase', () => {
    it('settles every hop and gives the hold back when the provider had not sold yet', async () => {
      const { network, start, hopAt, held } = await setup()
      const origin = await start()
      const toProvider = await deliverUntil(network, (e) => e.to === 'provider-node' && e.message.payload.type === 'PURCHASE')
      await network.fireTimeouts()
      network.pending.push(...toProvider)
      await network.runUntilIdle()
      expect(hopAt('consumer-node', origin.chainId)).toMatchObject({ state: 'failed', failure: { code: 'HOP_TIMEOUT' } })
      for (const id of ROUTE.slice(1)) expect(hopAt(id, origin.chainId).state, id).toBe('released')
      expect(held()).toEqual([])
    })

    it('undoes the sale when PURCHASE_OK comes after the origin gave up', async () => {
      const { network, start, hopAt, held, provider } = await setup()
      const origin = await start()
      const answer = await deliverUntil(network, (e) => e.to === 'provider-supernode' && e.message.payload.type === 'PURCHASE_OK')
      expect(provider().store.contracts.size).toBe(1)
      await network.fireTimeouts()
      network.pending.push(...answer)
      await network.runUntilIdle()
      expect(hopAt('consumer-node', origin.chainId).state).toBe('failed')
      for (const id of ROUTE.slice(1)) expect(hopAt(id, origin.chainId).state, id).toBe('released')
      expect(hopAt('provider-node', origin.chainId).timeline.map((t) => t.event)).toContain('SALE_UNDONE')
      expect(held()).toEqual([])
      expect(provider().store.pools.get(FLAVOUR)?.free.cpu).toBe(8e9)
      expect((provider().store.advertised()[0] as K8SliceFlavour).spec.characteristics.cpu.toString()).toBe('8')
      expect([...provider().store.allocations.values()].map((a) => a.status)).toEqual(['released'])
    })
  })

  describe('a restart that loses every queued message', () => {
    it.each([
      ['while reserving', (e: Entry) => e.to === 'provider-node' && e.message.payload.type === 'RESERVE'],
      ['while purchasing', (e: Entry) => e.to === 'provider-node' && e.message.payload.type === 'PURCHASE'],
      ['after the provider reserved', (e: Entry) => e.message.payload.type === 'RESERVE_OK' && e.to === 'consumer-supernode'],
    ])('leaves nothing in flight or held past the deadlines, %s', async (_when, stopAt) => {
      const { network, start, held } = await setup()
      const origin = await start()
      await deliverUntil(network, stopAt)
      expect(network.loseQueuedMessages()).toBeGreaterThan(0)
      network.clock.advance(31_000)
      await network.sweepAll()
      network.clock.advance(60_000)
      await network.sweepAll()
      for (const participant of network.participants.values()) {
        const hop = participant.hops.hops.get(origin.chainId)
        if (hop) expect(['failed', 'released'], participant.id).toContain(hop.state)
      }
      expect(held()).toEqual([])
    })

    it('carries out an outbox left behind when the agent queue was down', async () => {
      const { network, start, hopAt, consumer } = await setup()
      const agent = consumer().deps.agent
      consumer().deps.agent = { send: async () => Promise.reject(new Error('agent queue unavailable')) }
      const origin = await start()
      await expect(network.runUntilIdle()).rejects.toThrow('agent queue unavailable')
      expect(hopAt('consumer-node', origin.chainId)).toMatchObject({ state: 'purchased', outbox: [expect.objectContaining({ kind: 'agent' })] })
      consumer().deps.agent = agent
      network.loseQueuedMessages()
      network.clock.advance(61_000)
      await network.sweepAll()
      expect(hopAt('consumer-node', origin.chainId).outbox).toEqual([])
      expect(consumer().commands).toHaveLength(1)
    })
  })

  describe('a FLUIDOS Go provider', () => {
    it('is asked to purchase once although saving its answer met contention', async () => {
      const { network, start, hopAt, goCalls } = await setup({ goProvider: true })
      const relay = network.participants.get('provider-supernode')!
      network.goProvider = {
        reserve: async () => ({ transactionId: 'go-tx-1' }),
        purchase: async () => {
          goCalls.purchase++
          relay.hops.failNextSave(2)
          return { contractId: 'go-contract', contract: await goContract(network) }
        },
      }
      const origin = await start()
      await network.runUntilIdle()
      expect(goCalls.purchase).toBe(1)
      expect(hopAt('consumer-node', origin.chainId).state).toBe('purchased')
    })

    it('takes the sale as made when the answer of the first call was lost', async () => {
      const { network, start, hopAt, goCalls } = await setup({ goProvider: true })
      network.goProvider = {
        reserve: async () => ({ transactionId: 'go-tx-1' }),
        purchase: async (_peer, request) => {
          goCalls.purchase++
          if (!request.retry) throw new Error('process died after Go sold')
          return { contractId: 'contract-go' }
        },
      }
      const origin = await start()
      await expect(deliverUntil(network, () => false)).rejects.toThrow('process died')
      await network.deliver(network.delivered.at(-1)!)
      await network.runUntilIdle()
      expect(goCalls.purchase).toBe(2)
      expect(hopAt('provider-supernode', origin.chainId)).toMatchObject({ state: 'purchased', downstreamContractId: 'contract-go' })
      expect(hopAt('consumer-node', origin.chainId).state).toBe('purchased')
    })

    it('fails the chain when the Go provider refuses the purchase', async () => {
      const { network, start, hopAt } = await setup({ goProvider: true })
      network.goProvider = {
        reserve: async () => ({ transactionId: 'go-tx-1' }),
        purchase: async () => Promise.reject(new PeerUnavailableError('provider-node', 'answered 408 transaction Timeout', { code: 'PEER_ANSWERED_408' })),
      }
      const origin = await start()
      await network.runUntilIdle()
      expect(hopAt('consumer-node', origin.chainId)).toMatchObject({ state: 'failed', failure: { hop: 'provider-node', code: 'PEER_ANSWERED_408' } })
    })
  })

  describe('what discovery learnt', () => {
    it('forgets the purchased flavour at the origin, so it is never offered again', async () => {
      const { network, start, consumer } = await setup()
      await start()
      await network.runUntilIdle()
      expect(await consumer().deps.candidates.listFresh('k8slice', network.clock.now())).toEqual([])
    })

    it('forgets a flavour the provider no longer has', async () => {
      const { network, consumer, provider } = await setup()
      provider().store.flavours.clear()
      const origin = await startChain(consumer().deps, { flavourId: FLAVOUR, providerId: 'provider-node', configuration })
      await network.runUntilIdle()
      expect(consumer().hops.hops.get(origin.chainId)).toMatchObject({ state: 'failed', failure: { code: 'FLAVOUR_NOT_FOUND' } })
      expect(await consumer().deps.candidates.listFresh('k8slice', network.clock.now())).toEqual([])
    })

    it('keeps a flavour that was only busy', async () => {
      const { network, start, consumer } = await setup()
      network.down.add('consumer-supernode')
      await start()
      expect(await consumer().deps.candidates.listFresh('k8slice', network.clock.now())).toHaveLength(1)
    })
  })

  describe('tear-down', () => {
    it('releases every hop, undoes the sale and offers the capacity again; a second release changes nothing', async () => {
      const { network, start, hopAt, held, provider, consumer } = await setup()
      const origin = await start()
      await network.runUntilIdle()
      await releaseChain(consumer().deps, origin.chainId)
      await network.runUntilIdle()
      for (const id of ROUTE) expect(hopAt(id, origin.chainId).state, id).toBe('released')
      expect(held()).toEqual([])
      expect(provider().store.pools.get(FLAVOUR)?.free.cpu).toBe(8e9)
      expect((provider().store.advertised()[0] as K8SliceFlavour).spec.characteristics.cpu.toString()).toBe('8')
      expect([...provider().store.allocations.values()].map((a) => a.status)).toEqual(['released'])
      expect([...consumer().hops.allocations.values()].map((a) => a.status)).toEqual(['released'])
      const sent = network.sent.length
      await releaseChain(consumer().deps, origin.chainId)
      await network.runUntilIdle()
      expect(network.sent.length).toBe(sent)
    })

    it('refuses to release a chain still in flight', async () => {
      const { start, consumer } = await setup()
      const origin = await start()
      await expect(releaseChain(consumer().deps, origin.chainId)).rejects.toMatchObject({ code: 'OPERATION_IN_FLIGHT' })
    })
  })

  describe('a bad chain request', () => {
    it.each([
      ['a negative cpu', { ...configuration, cpu: Quantity.parse('-1') }],
      ['more cpu than the flavour has', { ...configuration, cpu: Quantity.parse('64') }],
      ['memory off the step', { ...configuration, memory: Quantity.parse('1500Mi') }],
    ])('with %s writes nothing and sends nothing', async (_what, bad) => {
      const { network, consumer } = await setup()
      await expect(startChain(consumer().deps, { flavourId: FLAVOUR, providerId: 'provider-node', configuration: bad })).rejects.toMatchObject({ kind: 'validation' })
      expect(consumer().hops.hops.size).toBe(0)
      expect(network.pending).toEqual([])
    })
  })

  describe('the state machine', () => {
    it('refuses a transition the table does not have', async () => {
      const { network, start, hopAt } = await setup()
      const origin = await start()
      await network.runUntilIdle()
      const purchased = hopAt('consumer-node', origin.chainId)
      expect(() => moveTo(purchased, 'reserving', { self: 'consumer-node', now: network.clock.now(), settings: { hopTimeoutSeconds: 30 } }, 'RESERVED')).toThrow(
        expect.objectContaining({ code: 'INVALID_TRANSITION' }),
      )
    })
  })

  type Entry = FakeChainNetwork['pending'][number]

  /** Delivers queued messages in order until one matches `stop`; returns it (and what queued after) undelivered. */
  async function deliverUntil(network: FakeChainNetwork, stop: (entry: Entry) => boolean): Promise<Entry[]> {
    for (let i = 0; i < 200 && network.pending.length; i++) {
      if (stop(network.pending[0]!)) return network.pending.splice(0)
      await network.deliver(network.pending.shift()!)
    }
    return []
  }

  async function goContract(network: FakeChainNetwork) {
    const { readFileSync } = await import('node:fs')
    return contractFromWire(JSON.parse(readFileSync(new URL('../../fixtures/wire/contract.json', import.meta.url), 'utf8')), network.clock.now())
  }

  async function setup(input: { route?: string[]; goProvider?: boolean } = {}) {
    const route = input.route ?? ROUTE
    const network = new FakeChainNetwork()
    for (const id of route) network.add(id, id.startsWith('consumer') ? 'consumer.local' : 'provider.local')
    network.path(...route)
    const last = route.at(-2)!
    if (input.goProvider) network.participants.get(last)!.peers.peers.get('provider-node')!.protocol = 'fluidos-go'
    const flavour = aK8SliceFlavour({ owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })
    await network.sell('provider-node', flavour)
    const consumer = () => network.participants.get('consumer-node')!
    const provider = () => network.participants.get('provider-node')!
    await consumer().deps.candidates.put([{ flavour, route: route.slice(1), seenAt: network.clock.now(), expiresAt: new Date(network.clock.now().getTime() + 300_000) }])
    const start = () => startChain(consumer().deps, { flavourId: FLAVOUR, providerId: 'provider-node', configuration })
    const hopAt = (id: string, chainId: string) => network.participants.get(id)!.hops.hops.get(chainId)!
    const held = () => [...provider().store.transactions.values()].filter((t) => t.status === 'reserved' || t.status === 'purchased')
    return { network, start, hopAt, held, consumer, provider, goCalls: { purchase: 0 } }
  }
})
