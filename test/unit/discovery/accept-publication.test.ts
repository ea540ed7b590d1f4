import { describe, expect, it } from 'vitest'
import { acceptPublication } from '../../../core/discovery/accept-publication.ts'
import { publishToAggregators } from '../../../core/discovery/publish-to-aggregators.ts'
import { ForbiddenError } from '../../../core/shared/errors.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { InMemoryPeers, InMemoryRemoteFlavours } from '../../support/in-memory-discovery.ts'
import { InMemoryProviderStore } from '../../support/in-memory-provider-store.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { aK8SliceFlavour, aPeer, aProvider } from '../../support/factories.ts'

const owner = aProvider({ id: 'provider-node' })
const flavour = (id: string) => aK8SliceFlavour({ id, owner })

describe(acceptPublication.name, () => {
  it('adds, refreshes and withdraws a publisher set', async () => {
    const { deps, published, clock } = setup()
    await acceptPublication(deps, 'provider-node', [flavour('a'), flavour('b')])
    clock.advance(60_000)
    const result = await acceptPublication(deps, 'provider-node', [flavour('b'), flavour('c')])
    expect(result).toMatchObject({ accepted: 2, withdrawn: 1 })
    expect([...published.entries.values()].map((e) => e.flavour.id).sort()).toEqual(['b', 'c'])
    expect(published.entries.get('provider-node#b')?.seenAt).toEqual(clock.now())
  })

  it('stops offering entries that are not refreshed', async () => {
    const { deps, published, clock } = setup()
    await acceptPublication(deps, 'provider-node', [flavour('a')])
    clock.advance(180_000)
    expect(await published.listFresh('k8slice', clock.now())).toEqual([])
  })

  it('refuses unregistered publishers and foreign flavours', async () => {
    const { deps } = setup()
    await expect(acceptPublication(deps, 'stranger', [])).rejects.toBeInstanceOf(ForbiddenError)
    const foreign = aK8SliceFlavour({ id: 'x', owner: aProvider({ id: 'someone-else' }) })
    await expect(acceptPublication(deps, 'provider-node', [foreign])).rejects.toBeInstanceOf(ForbiddenError)
  })

  it('adds each part of a publication at once and withdraws only when the last part arrives', async () => {
    const { deps, published } = setup()
    await acceptPublication(deps, 'provider-node', [flavour('a'), flavour('b')])
    const first = await acceptPublication(deps, 'provider-node', [flavour('b'), flavour('c')], { publication: 'p2', index: 1, count: 2 })
    expect(first).toMatchObject({ accepted: 2, withdrawn: 0, complete: false })
    expect([...published.entries.keys()].sort()).toEqual(['provider-node#a', 'provider-node#b', 'provider-node#c'])
    const last = await acceptPublication(deps, 'provider-node', [flavour('d')], { publication: 'p2', index: 2, count: 2 })
    expect(last).toMatchObject({ accepted: 1, withdrawn: 1, complete: true })
    expect([...published.entries.keys()].sort()).toEqual(['provider-node#b', 'provider-node#c', 'provider-node#d'])
  })

  it.each([
    ['a later part of an unknown publication', [{ publication: 'p9', index: 2, count: 2 }]],
    ['a part twice', [{ publication: 'p2', index: 1, count: 3 }, { publication: 'p2', index: 2, count: 3 }, { publication: 'p2', index: 2, count: 3 }]],
    ['a part that changes the count', [{ publication: 'p2', index: 1, count: 3 }, { publication: 'p2', index: 2, count: 2 }]],
  ])('refuses %s, withdrawing nothing', async (_, parts) => {
    const { deps, published } = setup()
    await acceptPublication(deps, 'provider-node', [flavour('a')])
    const sent = parts.map((part) => () => acceptPublication(deps, 'provider-node', [flavour(`x${part.index}`)], part))
    for (const send of sent.slice(0, -1)) await send()
    await expect(sent.at(-1)!()).rejects.toMatchObject({ code: 'PUBLICATION_OUT_OF_ORDER' })
    expect(published.entries.has('provider-node#a')).toBe(true)
  })

  it('refuses a publication of more than 5,000 flavours across its parts', async () => {
    const { deps } = setup()
    const many = (from: number) => Array.from({ length: 2_600 }, (_, i) => flavour(`f${from + i}`))
    await acceptPublication(deps, 'provider-node', many(0), { publication: 'big', index: 1, count: 2 })
    await expect(acceptPublication(deps, 'provider-node', many(2_600), { publication: 'big', index: 2, count: 2 })).rejects.toMatchObject({
      code: 'PUBLICATION_TOO_LARGE',
    })
  })

  it('publishes to catalogs and to supernodes of its own domain only', async () => {
    const store = new InMemoryProviderStore()
    await publishFlavour(store.flavourRepository, flavour('a'))
    const sent: string[] = []
    const peers = new InMemoryPeers([
      aPeer({ id: 'catalog', role: 'catalog', domain: 'x' }),
      aPeer({ id: 'own-sn', role: 'supernode' }),
      aPeer({ id: 'other-sn', role: 'supernode', domain: 'far.local' }),
      aPeer({ id: 'n' }),
    ])
    const result = await publishToAggregators({
      self: { id: 'provider-node', domain: 'provider.local' },
      flavours: store.flavourRepository,
      peers,
      publications: { publish: async (p) => void sent.push(p.id) },
      clock: new FakeClock(),
      logger: new RecordingLogger(),
      timeoutMs: 1000,
    })
    expect(sent.sort()).toEqual(['catalog', 'own-sn'])
    expect(result).toEqual({ published: 2, failed: [] })
  })

  function setup() {
    const clock = new FakeClock()
    const published = new InMemoryRemoteFlavours()
    const deps = { published, peers: new InMemoryPeers([aPeer({ id: 'provider-node' })]), clock, logger: new RecordingLogger(), publicationTtlMs: 180_000 }
    return { deps, published, clock }
  }
})
