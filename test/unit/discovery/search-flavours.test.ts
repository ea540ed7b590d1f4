import { describe, expect, it } from 'vitest'
import { discoverFlavours, searchFlavours, newRequest } from '../../../core/discovery/search-flavours.ts'
import { parseSelectorQuery } from '../../../core/wire/selector-query.ts'
import type { Selector } from '../../../core/flavours/selector.ts'
import type { RelayAnswer } from '../../../core/discovery/model.ts'
import { FakeNetwork } from '../../support/fake-network.ts'
import { aK8SliceFlavour, aProvider } from '../../support/factories.ts'

const selector = (query = 'filter[architecture][match]=amd64&filter[cpu][range][min]=2&filter[memory][range][min]=4Gi'): Selector =>
  parseSelectorQuery('k8slice', new URLSearchParams(query).entries())

const providerFlavour = (id = 'provider.local-k8slice-0001', cpu = '8') => aK8SliceFlavour({ id, cpu, owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })

const ids = (answer: RelayAnswer) => answer.results.map((r) => r.flavour.id).sort()

describe(discoverFlavours.name, () => {
  it('finds a provider in another domain through both supernodes and records the route', async () => {
    const { network, consumer } = await twoDomains()
    const answer = await discoverFlavours(consumer.deps, selector(), 'corr-1')
    expect(answer.failed).toEqual([])
    expect(answer.results.map((r) => [r.flavour.id, r.route])).toEqual([
      ['provider.local-k8slice-0001', ['consumer-supernode', 'provider-supernode', 'provider-node']],
    ])
    const [candidate] = consumer.deps.candidates.entries.values()
    expect(candidate?.route).toEqual(['consumer-supernode', 'provider-supernode', 'provider-node'])
    const [relayed] = network.participants.get('consumer-supernode')!.deps.candidates.entries.values()
    expect(relayed?.route).toEqual(['provider-supernode', 'provider-node'])
  })

  it('answers from fresh Peering Candidates without asking anyone', async () => {
    const { network, consumer } = await twoDomains()
    await discoverFlavours(consumer.deps, selector(), 'corr-1')
    const supernode = network.participants.get('consumer-supernode')!
    supernode.received.length = 0
    const again = await discoverFlavours(consumer.deps, selector(), 'corr-2')
    expect(again.results).toHaveLength(1)
    expect(supernode.received).toHaveLength(0)
  })

  it('never offers stale candidates, and rediscovers instead', async () => {
    const { network, consumer } = await twoDomains()
    await discoverFlavours(consumer.deps, selector(), 'corr-1')
    network.clock.advance(30_001)
    await network.publish('provider-node', 'provider-supernode', [providerFlavour()])
    const supernode = network.participants.get('consumer-supernode')!
    supernode.received.length = 0
    const again = await discoverFlavours(consumer.deps, selector(), 'corr-2')
    expect(again.results).toHaveLength(1)
    expect(supernode.received).toHaveLength(1)
  })

  it('returns only matching flavours', async () => {
    const { consumer } = await twoDomains()
    const answer = await discoverFlavours(consumer.deps, selector('filter[cpu][range][min]=64'), 'corr-1')
    expect(answer.results).toEqual([])
  })

  it('terminates on a cycle of supernodes, visits each once and keeps one candidate per flavour', async () => {
    const network = new FakeNetwork()
    const node = network.add('node-a', 'node', 'a')
    for (const id of ['sn-a', 'sn-b', 'sn-c']) network.add(id, 'supernode', id)
    network.add('provider-node', 'node', 'c')
    network.link('node-a', 'sn-a')
    network.link('sn-a', 'sn-b')
    network.link('sn-b', 'sn-c')
    network.link('sn-c', 'sn-a')
    network.link('sn-a', 'sn-c')
    network.link('sn-c', 'provider-node')
    await network.sell('provider-node', providerFlavour())
    const answer = await discoverFlavours(node.deps, selector(), 'corr-cycle')
    expect(answer.results).toHaveLength(1)
    expect(answer.results[0]?.route).toEqual(['sn-a', 'sn-c', 'provider-node'])
    expect(node.deps.candidates.entries.size).toBe(1)
    for (const id of ['sn-a', 'sn-b', 'sn-c']) {
      for (const request of network.participants.get(id)!.received) expect(request.visited).not.toContain(id)
    }
  })

  it('stops relaying at the hop limit', async () => {
    const network = new FakeNetwork()
    const node = network.add('node-a', 'node', 'a')
    const chain = ['sn-1', 'sn-2', 'sn-3', 'sn-4', 'sn-5']
    chain.forEach((id) => network.add(id, 'supernode', id))
    network.add('provider-node', 'node', 'z')
    network.link('node-a', 'sn-1')
    chain.slice(1).forEach((id, i) => network.link(chain[i]!, id))
    network.link('sn-5', 'provider-node')
    await network.sell('provider-node', providerFlavour())
    const answer = await discoverFlavours(node.deps, selector(), 'corr-hops')
    expect(answer.results).toEqual([])
    expect(network.participants.get('sn-4')!.received[0]?.hopsLeft).toBe(0)
    expect(network.participants.get('sn-5')!.received).toHaveLength(0)
  })

  it('returns the other peers results when one hangs and one fails, naming both', async () => {
    const { network, consumer } = await twoDomains()
    for (const id of ['silent-supernode', 'broken-supernode']) {
      network.add(id, 'supernode', id)
      network.link('consumer-supernode', id)
    }
    network.behaviour.set('silent-supernode', 'hang')
    network.behaviour.set('broken-supernode', 'fail')
    const answer = await discoverFlavours(consumer.deps, selector(), 'corr-fail')
    expect(answer.results).toHaveLength(1)
    expect(answer.failed).toEqual([
      expect.objectContaining({ peerId: 'silent-supernode', kind: 'timeout' }),
      expect.objectContaining({ peerId: 'broken-supernode', kind: 'unreachable' }),
    ])
  })

  it('drops answers whose route loops back or does not start at the peer', async () => {
    const network = new FakeNetwork()
    const node = network.add('node-a', 'node', 'a')
    network.add('liar', 'supernode', 'x')
    network.link('node-a', 'liar')
    const liar = network.participants.get('liar')!
    liar.deps.candidates.entries.set('p#f', {
      flavour: providerFlavour(),
      route: ['node-a', 'provider-node'],
      seenAt: network.clock.now(),
      expiresAt: new Date(network.clock.now().getTime() + 60_000),
    })
    const answer = await discoverFlavours(node.deps, selector(), 'corr-liar')
    expect(answer.results).toEqual([])
  })

  it('shrinks the time budget at every hop', async () => {
    const { network, consumer } = await twoDomains()
    network.participants.get('consumer-supernode')!.deps.candidates.entries.clear()
    await searchFlavours(consumer.deps, newRequest(consumer.deps, selector(), 'corr-budget'), { fanOut: true })
    const first = network.participants.get('consumer-supernode')!.received[0]!
    const second = network.participants.get('provider-supernode')!.received[0]!
    expect(first.budgetMs).toBeLessThan(2100)
    expect(second.budgetMs).toBeLessThan(first.budgetMs)
  })

  it('asks the peers again when the caller wants a fresh answer, and so does every relay', async () => {
    const { network, consumer } = await twoDomains()
    await discoverFlavours(consumer.deps, selector(), 'corr-1')
    await network.publish('provider-node', 'provider-supernode', [providerFlavour(), providerFlavour('provider.local-k8slice-0002')])
    const answer = await discoverFlavours(consumer.deps, selector(), 'corr-2', { fresh: true })
    expect(ids(answer)).toEqual(['provider.local-k8slice-0001', 'provider.local-k8slice-0002'])
    expect(network.participants.get('provider-supernode')!.received.at(-1)).toMatchObject({ correlationId: 'corr-2', fresh: true })
  })

  it('replaces what it learnt through a peer by what that peer answers now', async () => {
    const { network, consumer } = await twoDomains()
    await network.publish('provider-node', 'provider-supernode', [providerFlavour(), providerFlavour('provider.local-k8slice-0002')])
    await discoverFlavours(consumer.deps, selector(), 'corr-1')
    await network.publish('provider-node', 'provider-supernode', [providerFlavour()])
    const answer = await discoverFlavours(consumer.deps, selector(), 'corr-2', { fresh: true })
    expect(ids(answer)).toEqual(['provider.local-k8slice-0001'])
    expect([...consumer.deps.candidates.entries.keys()]).toEqual(['provider-node#provider.local-k8slice-0001'])
  })

  it('finds what its own supernode publishes although candidates learnt for another selector match', async () => {
    const { network, consumer } = await twoDomains()
    await discoverFlavours(consumer.deps, selector('filter[cpu][range][min]=4'), 'corr-1')
    network.add('consumer-seller', 'node', 'consumer.local')
    network.link('consumer-supernode', 'consumer-seller')
    const small = aK8SliceFlavour({ id: 'consumer.local-k8slice-0001', cpu: '2', owner: aProvider({ id: 'consumer-seller', domain: 'consumer.local' }) })
    await network.publish('consumer-seller', 'consumer-supernode', [small])
    const answer = await discoverFlavours(consumer.deps, selector('filter[cpu][range][min]=2'), 'corr-2')
    expect(ids(answer)).toEqual(['consumer.local-k8slice-0001', 'provider.local-k8slice-0001'])
  })

  it('asks FLUIDOS Go peers and other domains although published flavours already match', async () => {
    const { network, consumer } = await twoDomains()
    network.add('go-node', 'node', 'fluidos.eu')
    network.link('provider-supernode', 'go-node')
    await network.sell('go-node', aK8SliceFlavour({ id: 'fluidos.eu-k8slice-7f3a', owner: aProvider({ id: 'go-node', domain: 'fluidos.eu' }) }))
    const answer = await discoverFlavours(consumer.deps, selector(), 'corr-go')
    expect(answer.results.map((r) => [r.flavour.id, r.route])).toEqual([
      ['fluidos.eu-k8slice-7f3a', ['consumer-supernode', 'provider-supernode', 'go-node']],
      ['provider.local-k8slice-0001', ['consumer-supernode', 'provider-supernode', 'provider-node']],
    ])
  })

  it('does not ask a provider whose publication answers for it', async () => {
    const { network, consumer } = await twoDomains()
    await discoverFlavours(consumer.deps, selector('filter[cpu][range][min]=64'), 'corr-1')
    expect(network.participants.get('provider-supernode')!.received).toHaveLength(1)
    expect(network.participants.get('provider-node')!.received).toHaveLength(0)
  })

  it('asks again once a flavour of the answer it learnt is forgotten as sold', async () => {
    const { network, consumer } = await twoDomains()
    await network.publish('provider-node', 'provider-supernode', [providerFlavour(), providerFlavour('provider.local-k8slice-0002')])
    await discoverFlavours(consumer.deps, selector(), 'corr-1')
    for (const id of ['consumer-node', 'consumer-supernode']) await network.participants.get(id)!.deps.candidates.forget('provider-node', 'provider.local-k8slice-0001')
    await network.publish('provider-node', 'provider-supernode', [providerFlavour('provider.local-k8slice-0002'), providerFlavour('provider.local-k8slice-0003', '6')])
    const answer = await discoverFlavours(consumer.deps, selector(), 'corr-2')
    expect(ids(answer)).toEqual(['provider.local-k8slice-0002', 'provider.local-k8slice-0003'])
  })

  it('stops answering from what it learnt once that is older than the TTL at its source, however many caches it passed', async () => {
    const { network, consumer } = await twoDomains()
    const learntAt = network.clock.now()
    await discoverFlavours(consumer.deps, selector(), 'corr-1')
    const neighbour = network.add('consumer-node-2', 'node', 'consumer.local')
    network.link('consumer-node-2', 'consumer-supernode')
    network.clock.advance(20_000)
    await discoverFlavours(neighbour.deps, selector(), 'corr-2')
    expect([...neighbour.deps.candidates.entries.values()].map((c) => c.seenAt)).toEqual([learntAt])
    const provider = network.participants.get('provider-supernode')!
    const asked = provider.received.length
    network.clock.advance(10_001)
    await discoverFlavours(neighbour.deps, selector(), 'corr-3')
    expect(provider.received.length).toBe(asked + 1)
  })

  it('pages the federation cheapest first, forwarding each page to the peers, until no cursor is left', async () => {
    const { network, consumer } = await twoDomains()
    const priced = (id: string, amount: string) => aK8SliceFlavour({ id, owner: aProvider({ id: 'provider-node', domain: 'provider.local' }), price: { amount, currency: 'EUR', period: 'hourly' } })
    const flavours = [priced('provider.local-k8slice-c', '0.30'), priced('provider.local-k8slice-a', '0.10'), priced('provider.local-k8slice-b', '0.20')]
    await network.publish('provider-node', 'provider-supernode', [providerFlavour(), ...flavours])

    const seen: string[] = []
    let page = await discoverFlavours(consumer.deps, selector(), 'corr-p', { page: { limit: 2 } })
    for (;;) {
      seen.push(...page.results.map((r) => r.flavour.id))
      if (!page.next) break
      page = await discoverFlavours(consumer.deps, selector(), 'corr-p', { page: { limit: 2, after: page.next } })
    }

    expect(seen).toEqual(['provider.local-k8slice-0001', 'provider.local-k8slice-a', 'provider.local-k8slice-b', 'provider.local-k8slice-c'])
    expect(network.participants.get('provider-supernode')!.received.map((r) => r.page?.limit)).toEqual([2, 2])
  })

  it('does not let a learnt page stand in for the whole answer, nor forget what lies beyond it', async () => {
    const { network, consumer } = await twoDomains()
    await network.publish('provider-node', 'provider-supernode', [providerFlavour(), providerFlavour('provider.local-k8slice-0002')])
    await discoverFlavours(consumer.deps, selector(), 'corr-1')

    const first = await discoverFlavours(consumer.deps, selector(), 'corr-2', { page: { limit: 1 }, fresh: true })
    const whole = await discoverFlavours(consumer.deps, selector(), 'corr-3')
    const firstAgain = await discoverFlavours(consumer.deps, selector(), 'corr-4', { page: { limit: 1 } })

    expect(first.results).toHaveLength(1)
    expect(first.next).toBeDefined()
    expect(ids(whole)).toEqual(['provider.local-k8slice-0001', 'provider.local-k8slice-0002'])
    expect(firstAgain.results.map((r) => r.flavour.id)).toEqual(['provider.local-k8slice-0001'])
    expect(firstAgain.next).toBeDefined()
  })

  async function twoDomains() {
    const network = new FakeNetwork()
    const consumer = network.add('consumer-node', 'node', 'consumer.local')
    network.add('consumer-supernode', 'supernode', 'consumer.local')
    network.add('provider-supernode', 'supernode', 'provider.local')
    network.add('provider-node', 'node', 'provider.local')
    network.add('catalog', 'catalog', 'catalog.local')
    network.link('consumer-node', 'consumer-supernode')
    network.link('consumer-supernode', 'provider-supernode')
    network.link('consumer-supernode', 'catalog')
    network.link('provider-supernode', 'consumer-supernode')
    network.link('provider-supernode', 'provider-node')
    await network.sell('provider-node', providerFlavour())
    await network.publish('provider-node', 'provider-supernode', [providerFlavour()])
    return { network, consumer }
  }
})
