import { describe, expect, it } from 'vitest'
import { PEERING_DEADLINE_SECONDS } from '../../../core/chain/hop-machine.ts'
import { handleChainMessage } from '../../../core/chain/run-hop.ts'
import { purchaseChain, startChain } from '../../../core/chain/start-chain.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import type { K8SliceFlavour } from '../../../core/flavours/model.ts'
import { contractFromWire } from '../../../core/wire/contract-codec.ts'
import { FakeChainNetwork } from '../../support/fake-chain-network.ts'
import { aBuyer, aK8SliceFlavour, aProvider, aTransaction } from '../../support/factories.ts'

const FLAVOUR = 'provider.local-k8slice-0001'
const configuration = { type: 'k8slice' as const, cpu: Quantity.parse('2'), memory: Quantity.parse('4Gi'), pods: Quantity.parse('10') }

describe(handleChainMessage.name, () => {
  it('reserves and purchases across four participants, each hop holding its own contract', async () => {
    const { network, start, hopAt } = await setup()
    const origin = await start()
    await network.runUntilIdle()
    for (const id of ['consumer-node', 'consumer-supernode', 'provider-supernode', 'provider-node']) {
      expect(hopAt(id, origin.chainId).state, id).toBe('purchased')
      const ends = id === 'consumer-node' || id === 'provider-node'
      expect(network.participants.get(id)!.commands.map((c) => c.command), `${id}: only the ends have a cluster to deploy a virtual router on`).toEqual(
        ends ? ['DEPLOY_VIRTUAL_ROUTER'] : [],
      )
    }
    const relays = ['consumer-node', 'consumer-supernode', 'provider-supernode']
    for (const id of relays) expect(network.participants.get(id)!.hops.contracts.size, id).toBe(1)
    const provider = network.participants.get('provider-node')!.store
    expect(provider.contracts.size).toBe(1)
    expect([...provider.allocations.values()]).toEqual([expect.objectContaining({ type: 'Node', status: 'inactive' })])
    const remainder = provider.advertised()[0] as K8SliceFlavour
    expect(remainder.spec.characteristics.cpu.toString()).toBe('6')
    const consumer = network.participants.get('consumer-node')!.hops
    expect([...consumer.allocations.values()]).toEqual([expect.objectContaining({ type: 'VirtualNode', status: 'inactive' })])
    const chainContract = [...network.participants.get('consumer-supernode')!.hops.contracts.values()][0]!
    expect(chainContract.extraInformation).toMatchObject({ chainId: origin.chainId, upstream: 'consumer-node', downstream: 'provider-supernode' })
    expect(hopAt('consumer-supernode', origin.chainId)).toHaveProperty('downstreamContractId',`contract-${origin.chainId}-provider-supernode`)
    expect(chainContract.peeringTargetCredentials.kubeconfig).toBe('')
    expect([...consumer.contracts.values()][0]!.peeringTargetCredentials).toEqual({ clusterId: 'liqo-provider-node', kubeconfig: '' })
    expect(JSON.stringify(network.sent)).not.toContain('a3ViZQ==')
  })

  it('works over a one-hop route, straight from the consumer to the provider', async () => {
    const network = new FakeChainNetwork()
    const consumer = network.add('consumer-node', 'consumer.local')
    network.add('provider-node', 'provider.local')
    network.path('consumer-node', 'provider-node')
    const flavour = aK8SliceFlavour({ owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })
    await network.sell('provider-node', flavour)
    const now = network.clock.now()
    await consumer.deps.candidates.put([{ flavour, route: ['provider-node'], seenAt: now, expiresAt: new Date(now.getTime() + 60_000) }])
    const origin = await startChain(consumer.deps, { flavourId: FLAVOUR, providerId: 'provider-node', configuration })
    await network.runUntilIdle()
    expect(consumer.hops.hops.get(origin.chainId)?.state).toBe('purchased')
    expect(network.participants.get('provider-node')!.store.contracts.size).toBe(1)
  })

  it('changes nothing when every message is delivered a second time', async () => {
    const { network, start } = await setup()
    await start()
    await network.runUntilIdle()
    const sentBefore = network.sent.length
    const snapshot = () =>
      [...network.participants.values()].map((p) => [p.hops.contracts.size, p.hops.allocations.size, p.hops.events.size, p.store.contracts.size, p.store.allocations.size, p.commands.length])
    const before = snapshot()
    for (const entry of [...network.delivered]) await network.deliver(entry)
    await network.runUntilIdle()
    expect(snapshot()).toEqual(before)
    expect(network.sent.length).toBe(sentBefore)
  })

  it('fails cleanly when the provider refuses, and every hop knows where and why', async () => {
    const { network, start, hopAt } = await setup()
    const provider = network.participants.get('provider-node')!
    await provider.store.reservationRepository.createHold({
      ...(await blockingTransaction(provider)),
    })
    const origin = await start()
    await network.runUntilIdle()
    for (const id of ['consumer-node', 'consumer-supernode', 'provider-supernode', 'provider-node']) {
      expect(hopAt(id, origin.chainId)).toMatchObject({ state: 'failed', failure: { hop: 'provider-node', code: 'CAPACITY_UNAVAILABLE' } })
    }
  })

  it('fails cleanly when the provider is unreachable', async () => {
    const { network, start, hopAt } = await setup()
    network.down.add('provider-node')
    const origin = await start()
    await network.runUntilIdle()
    expect(hopAt('consumer-node', origin.chainId)).toMatchObject({ state: 'failed', failure: { hop: 'provider-node', code: 'PEER_UNAVAILABLE' } })
    expect(hopAt('provider-supernode', origin.chainId).state).toBe('failed')
  })

  it('fails on a hop timeout, tells upstream and releases downstream; a RESERVE arriving after its RELEASE holds nothing', async () => {
    const { network, start, hopAt } = await setup()
    const origin = await start()
    await network.deliver(network.pending.shift()!)
    await network.deliver(network.pending.shift()!)
    const toProvider = network.pending.splice(0)
    await network.fireTimeouts()
    expect(hopAt('consumer-node', origin.chainId)).toMatchObject({ state: 'failed', failure: { code: 'HOP_TIMEOUT' } })
    network.pending.push(...toProvider)
    await network.runUntilIdle()
    expect(hopAt('provider-node', origin.chainId).state).toBe('released')
    expect(heldAtProvider(network)).toEqual([])
    expect(network.participants.get('provider-node')!.store.pools.get(FLAVOUR)?.free.cpu).toBe(8e9)
  })

  it('releases a reservation whose RESERVE_OK comes after the origin timed out', async () => {
    const { network, start, hopAt } = await setup()
    const origin = await start()
    for (let i = 0; i < 3; i++) await network.deliver(network.pending.shift()!)
    const answer = network.pending.splice(0)
    expect(answer.map((e) => e.message.payload.type)).toEqual(['RESERVE_OK'])
    await network.fireTimeouts()
    network.pending.push(...answer)
    await network.runUntilIdle()
    expect(hopAt('consumer-node', origin.chainId).state).toBe('failed')
    for (const id of ['consumer-supernode', 'provider-supernode', 'provider-node']) expect(hopAt(id, origin.chainId).state, id).toBe('released')
    expect(heldAtProvider(network)).toEqual([])
  })

  it('answers expired when a deferred purchase comes after the hold expired, and keeps nothing held', async () => {
    const { network, start, hopAt } = await setup()
    const origin = await start({ deferPurchase: true })
    await network.runUntilIdle()
    expect(hopAt('consumer-node', origin.chainId).state).toBe('reserved')
    network.clock.advance(3_600_000)
    await purchaseChain(network.participants.get('consumer-node')!.deps, origin.chainId)
    await network.runUntilIdle()
    expect(hopAt('consumer-node', origin.chainId)).toMatchObject({ state: 'failed', failure: { hop: 'provider-node', code: 'TRANSACTION_EXPIRED' } })
    expect(network.participants.get('provider-node')!.store.pools.get(FLAVOUR)?.free.cpu).toBe(8e9)
  })

  it('uses the synchronous calls of a FLUIDOS Go provider as the last hop', async () => {
    const { network, start, hopAt } = await setup({ goProvider: true })
    network.goProvider = {
      reserve: async () => ({ transactionId: 'go-tx-9' }),
      purchase: async () => ({ contractId: 'go-contract', contract: contractFromWire(await goContract(), network.clock.now()) }),
    }
    const origin = await start()
    await network.runUntilIdle()
    expect(hopAt('provider-supernode', origin.chainId)).toMatchObject({ state: 'purchased', downstreamTransactionId: 'go-tx-9', downstreamContractId: 'go-contract' })
    expect(hopAt('consumer-node', origin.chainId).state).toBe('purchased')
  })

  function heldAtProvider(network: FakeChainNetwork) {
    return [...network.participants.get('provider-node')!.store.transactions.values()].filter((t) => t.status === 'reserved' || t.status === 'purchased')
  }

  async function goContract() {
    const { readFileSync } = await import('node:fs')
    return JSON.parse(readFileSync(new URL('../../fixtures/wire/contract.json', import.meta.url), 'utf8'))
  }

  async function blockingTransaction(provider: ReturnType<FakeChainNetwork['add']>) {
    const pool = provider.store.pools.get(FLAVOUR)!
    return aTransaction({ id: 'blocker', flavour: provider.store.flavours.get(FLAVOUR)!.flavour, buyer: aBuyer({ id: 'someone' }), configuration: undefined, hold: { ...pool.free }, expiresAt: new Date('2030-01-01') })
  }

  it('marks a peering that no agent reports within its deadline in error at both ends, allocations included', async () => {
    const { network, start, hopAt } = await setup()
    const origin = await start()
    await network.runUntilIdle()
    network.clock.advance((PEERING_DEADLINE_SECONDS - 1) * 1000)
    await network.sweepAll()
    expect(hopAt('consumer-node', origin.chainId).peering).toBeUndefined()
    network.clock.advance(2000)
    await network.sweepAll()
    for (const id of ['consumer-node', 'provider-node']) {
      expect(hopAt(id, origin.chainId), id).toMatchObject({ state: 'purchased', peering: { status: 'error', detail: expect.stringContaining('no peering reported') } })
      expect(hopAt(id, origin.chainId).peeringDue, id).toBeUndefined()
    }
    expect([...network.participants.get('consumer-node')!.hops.allocations.values()]).toEqual([expect.objectContaining({ type: 'VirtualNode', status: 'error' })])
    expect([...network.participants.get('provider-node')!.store.allocations.values()]).toEqual([expect.objectContaining({ type: 'Node', status: 'error' })])
  })

  async function setup(input: { goProvider?: boolean } = {}) {
    const network = FakeChainNetwork.twoDomains()
    if (input.goProvider) network.participants.get('provider-supernode')!.peers.peers.get('provider-node')!.protocol = 'fluidos-go'
    const flavour = aK8SliceFlavour({ owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })
    await network.sell('provider-node', flavour)
    const consumer = network.participants.get('consumer-node')!
    await consumer.deps.candidates.put([
      { flavour, route: ['consumer-supernode', 'provider-supernode', 'provider-node'], seenAt: network.clock.now(), expiresAt: new Date(network.clock.now().getTime() + 300_000) },
    ])
    const start = (options: { deferPurchase?: boolean } = {}) =>
      startChain(consumer.deps, { flavourId: FLAVOUR, providerId: 'provider-node', configuration, ...options })
    const hopAt = (id: string, chainId: string) => network.participants.get(id)!.hops.hops.get(chainId)!
    return { network, start, hopAt }
  }
})

