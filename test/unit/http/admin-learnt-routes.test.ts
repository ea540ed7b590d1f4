import { describe, expect, it } from 'vitest'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import type { Role } from '../../../core/peers/model.ts'
import { aK8SliceFlavour, aPeer, aProvider, aRemoteFlavour, aServiceFlavour } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

const elsewhere = (id: string) => aK8SliceFlavour({ id, owner: aProvider({ id: 'provider-node' }) })

interface Listed {
  entries: { providerID: string; flavorID: string; type: string; route: string[]; ageSeconds: number; stale: boolean }[]
  next: string | null
}

describe('GET /admin/v1/candidates', () => {
  it('lists what discovery learnt with its route and age, a page at a time', async () => {
    const { request, candidates, clock } = await setup()
    const route = ['consumer-supernode', 'provider-node']
    const seenAt = clock.now()
    const expiresAt = new Date(seenAt.getTime() + 30_000)
    await candidates.put([
      ...['0001', '0002', '0003'].map((n) => aRemoteFlavour({ flavour: elsewhere(`provider.local-k8slice-${n}`), route, seenAt, expiresAt })),
      aRemoteFlavour({ flavour: aServiceFlavour(), route: ['provider-1'], seenAt, expiresAt }),
    ])
    clock.advance(12_000)
    const first = (await request('GET', '/admin/v1/candidates?limit=2')).body as Listed
    expect(first.entries).toEqual([
      expect.objectContaining({ providerID: 'provider-node', flavorID: 'provider.local-k8slice-0001', type: 'k8slice', route, ageSeconds: 12, stale: false }),
      expect.objectContaining({ flavorID: 'provider.local-k8slice-0002' }),
    ])
    const rest = (await request('GET', `/admin/v1/candidates?limit=2&cursor=${first.next}`)).body as Listed
    expect(rest.entries.map((e) => e.flavorID)).toEqual(['provider.local-k8slice-0003', 'provider.local-service-0001'])
    const last = (await request('GET', `/admin/v1/candidates?limit=2&cursor=${rest.next}`)).body as Listed
    expect(last).toEqual({ entries: [], next: null })
    const services = (await request('GET', '/admin/v1/candidates?type=service')).body as Listed
    expect(services.entries.map((e) => e.flavorID)).toEqual(['provider.local-service-0001'])
  })

  it.each(['limit=0', 'limit=501', 'type=vm', 'cursor=%%%', 'cursor=bm90LWEtY3Vyc29y'])('refuses %s, naming the parameter', async (query) => {
    const { request } = await setup()
    const res = await request('GET', `/admin/v1/candidates?${query}`)
    expect(res.status).toBe(400)
    expect(res.body.message).toContain(query.split('=')[0])
  })

  async function setup(role: Role = 'node') {
    return createInMemoryParticipant({ role })
  }
})

describe('GET /admin/v1/publications', () => {
  it('lists what providers published here, with the publisher as route and the age', async () => {
    const { request, clock } = await setup('supernode')
    await request('PUT', '/rear/v1/publications/provider-node', { flavors: [flavourToWire(elsewhere('provider.local-k8slice-0001'))] })
    clock.advance(61_000)
    const listed = (await request('GET', '/admin/v1/publications')).body as Listed
    expect(listed).toEqual({
      entries: [expect.objectContaining({ providerID: 'provider-node', flavorID: 'provider.local-k8slice-0001', route: ['provider-node'], ageSeconds: 61, stale: false })],
      next: null,
    })
  })

  it('is served by supernodes and catalogs only', async () => {
    const { request } = await setup('node')
    expect((await request('GET', '/admin/v1/publications')).status).toBe(404)
  })

  async function setup(role: Role) {
    return createInMemoryParticipant({ role, peers: [aPeer({ id: 'provider-node' })] })
  }
})
