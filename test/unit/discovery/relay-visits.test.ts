import { describe, expect, it } from 'vitest'
import { answerRelay, discoverFlavours, newRequest } from '../../../core/discovery/search-flavours.ts'
import { InMemoryRelayVisits, relayVisitOf } from '../../../core/discovery/relay-visits.ts'
import type { RelayVisit } from '../../../core/discovery/ports.ts'
import { parseSelectorQuery } from '../../../core/wire/selector-query.ts'
import type { Selector } from '../../../core/flavours/selector.ts'
import { FakeNetwork } from '../../support/fake-network.ts'
import { aK8SliceFlavour, aProvider } from '../../support/factories.ts'

const selector = (query = 'filter[cpu][range][min]=2'): Selector => parseSelectorQuery('k8slice', new URLSearchParams(query).entries())

const logged = (network: FakeNetwork, event: string) => network.logger.events.filter((e) => e.event === event)

const offered = (id: string, owner: string) => aK8SliceFlavour({ id, cpu: '8', owner: aProvider({ id: owner, domain: `${owner}.local` }) })

describe(answerRelay.name, () => {
  it('fans out once per search from a supernode reached along two paths, and still finds everything', async () => {
    const { network, consumer } = await diamond()
    const answer = await discoverFlavours(consumer.deps, selector(), 'corr-1', { fresh: true })
    expect(answer.results.map((r) => r.flavour.id).sort()).toEqual(['far-k8slice-1', 'sn-d-k8slice-1'])
    expect(network.participants.get('sn-d')!.received).toHaveLength(2)
    expect(network.participants.get('far')!.received).toHaveLength(1)
    expect(logged(network, 'DISCOVERY_RELAY_REPEAT')).toHaveLength(1)
  })

  it('answers a repeat with its own and published flavours only, nothing learnt and no fan-out', async () => {
    const { network } = await diamond()
    const sn = network.participants.get('sn-d')!
    await answerRelay(sn.deps, request(sn.deps, 'corr-1', 2))
    const repeat = await answerRelay(sn.deps, request(sn.deps, 'corr-1', 2))
    expect(repeat.results.map((r) => [r.flavour.id, r.route])).toEqual([['sn-d-k8slice-1', ['sn-d']]])
    expect(network.participants.get('far')!.received).toHaveLength(1)
  })

  it('marks a repeat partial, all the way up, so no relay lets it stand for the whole search', async () => {
    const { network, consumer } = await diamond()
    const answer = await discoverFlavours(consumer.deps, selector(), 'corr-1', { fresh: true })
    expect(answer.partial).toBe(true)
    const learnt = [...network.participants.get('sn-a')!.deps.candidates.entries.values()]
    expect(learnt.length).toBeGreaterThan(0)
    expect(learnt.every((entry) => entry.learntIn === undefined)).toBe(true)

    const again = await discoverFlavours(consumer.deps, selector(), 'corr-2')
    expect(again.results.map((r) => r.flavour.id).sort()).toEqual(['far-k8slice-1', 'sn-d-k8slice-1'])
  })

  it('fans out again for a repeat with more hops left, for another selector or page, and for another search', async () => {
    const { network } = await diamond()
    const sn = network.participants.get('sn-d')!
    await answerRelay(sn.deps, request(sn.deps, 'corr-1', 1))
    await answerRelay(sn.deps, request(sn.deps, 'corr-1', 2))
    await answerRelay(sn.deps, { ...request(sn.deps, 'corr-1', 2), selector: selector('filter[cpu][range][min]=4') })
    await answerRelay(sn.deps, { ...request(sn.deps, 'corr-1', 2), page: { limit: 10 } })
    await answerRelay(sn.deps, request(sn.deps, 'corr-2', 2))
    expect(network.participants.get('far')!.received).toHaveLength(5)
  })

  it('forgets a search after its budget, then serves it as new', async () => {
    const { network } = await diamond()
    const sn = network.participants.get('sn-d')!
    await answerRelay(sn.deps, request(sn.deps, 'corr-1', 2))
    network.clock.advance(2_201)
    await answerRelay(sn.deps, request(sn.deps, 'corr-1', 2))
    expect(network.participants.get('far')!.received).toHaveLength(2)
  })

  it('fans out when the visit cannot be recorded, and says so', async () => {
    const { network } = await diamond()
    const sn = network.participants.get('sn-d')!
    const broken = { ...sn.deps, relays: { firstVisit: () => Promise.reject(new Error('table unavailable')) } }
    await answerRelay(broken, request(sn.deps, 'corr-1', 2))
    await answerRelay(broken, request(sn.deps, 'corr-1', 2))
    expect(network.participants.get('far')!.received).toHaveLength(2)
    expect(logged(network, 'DISCOVERY_RELAY_UNRECORDED')).toHaveLength(2)
  })

  function request(deps: Parameters<typeof newRequest>[0], correlationId: string, hopsLeft: number) {
    return { ...newRequest(deps, selector(), correlationId, { fresh: true }), visited: ['consumer'], hopsLeft }
  }

  /** consumer → sn-a; sn-a → sn-b, sn-c; sn-b and sn-c → sn-d (which sells one flavour); sn-d → far (which sells one). */
  async function diamond() {
    const network = new FakeNetwork()
    const consumer = network.add('consumer', 'node', 'consumer.local')
    for (const id of ['sn-a', 'sn-b', 'sn-c', 'sn-d', 'far']) network.add(id, 'supernode', `${id}.local`)
    for (const [a, b] of [['consumer', 'sn-a'], ['sn-a', 'sn-b'], ['sn-a', 'sn-c'], ['sn-b', 'sn-d'], ['sn-c', 'sn-d'], ['sn-d', 'far']] as const) network.link(a, b)
    await network.sell('sn-d', offered('sn-d-k8slice-1', 'sn-d'))
    await network.sell('far', offered('far-k8slice-1', 'far'))
    return { network, consumer }
  }
})

describe(InMemoryRelayVisits.name, () => {
  it('admits a search once per hop budget, more hops again, and after expiry anew', async () => {
    const { visits } = setup()
    expect(await visits.firstVisit(visit(2), at(0))).toBe(true)
    expect(await visits.firstVisit(visit(2), at(1))).toBe(false)
    expect(await visits.firstVisit(visit(1), at(1))).toBe(false)
    expect(await visits.firstVisit(visit(3), at(1))).toBe(true)
    expect(await visits.firstVisit(visit(3), at(1))).toBe(false)
    expect(await visits.firstVisit(visit(3, 'other selector'), at(1))).toBe(true)
    expect(await visits.firstVisit(visit(3), at(2_100))).toBe(true)
    expect(visits.size).toBe(1)
  })

  it('keeps a visit for the longer of the budget and a peer timeout, plus the margin', () => {
    const { request } = setup()
    expect(relayVisitOf({ ...request, budgetMs: 500 }, at(0), { peerTimeoutMs: 2000, marginMs: 100 }).expiresAt).toEqual(at(2100))
    expect(relayVisitOf({ ...request, budgetMs: 5000 }, at(0), { peerTimeoutMs: 2000, marginMs: 100 })).toMatchObject({ correlationId: 'corr-1', hopsLeft: 3, expiresAt: at(5100) })
  })

  function at(ms: number) {
    return new Date(Date.UTC(2026, 0, 1) + ms)
  }

  function visit(hopsLeft: number, search = 'k8slice cpu>=2'): RelayVisit {
    return { correlationId: 'corr-1', search, hopsLeft, expiresAt: at(2_000) }
  }

  function setup() {
    const visits = new InMemoryRelayVisits()
    const request = { selector: selector(), visited: [], hopsLeft: 3, correlationId: 'corr-1', budgetMs: 2000 }
    return { visits, request }
  }
})
