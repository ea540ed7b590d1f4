import { encodeIndexCursor } from '../../../core/catalog/index-cursor.ts'
import { describe, expect, it } from 'vitest'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { aK8SliceFlavour, aPeer, aProvider } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

const remote = aK8SliceFlavour({ id: 'provider.local-k8slice-0001', owner: aProvider({ id: 'provider-node' }) })
const supernode = aPeer({ id: 'consumer-supernode', role: 'supernode', domain: 'consumer.local' })
const QUERY = 'filter[cpu][range][min]=2'

describe('GET /discovery/v1/flavors/{type}', () => {
  it('answers from what it learnt moments ago, and asks the peers again with fresh=true', async () => {
    const { request, relayed } = await setup()
    await request('GET', `/discovery/v1/flavors/k8slice?${QUERY}`)
    await request('GET', `/discovery/v1/flavors/k8slice?${QUERY}`)
    const res = await request('GET', `/discovery/v1/flavors/k8slice?fresh=true&${QUERY}`)
    expect(res.status).toBe(200)
    expect(res.body.candidates.map((c: { flavor: { flavorID: string } }) => c.flavor.flavorID)).toEqual(['provider.local-k8slice-0001'])
    expect(relayed.map((r) => r.fresh ?? false)).toEqual([false, true])
  })

  it('answers one page with a cursor to the next, and forwards the limit to the peers', async () => {
    const { request, relayed } = await setup()
    const first = await request('GET', `/discovery/v1/flavors/k8slice?limit=1&${QUERY}`)
    expect(first.status).toBe(200)
    expect(first.body.candidates).toHaveLength(1)
    expect(first.body.nextCursor).toBeUndefined()
    expect(relayed).toEqual([expect.objectContaining({ limit: 1 })])
  })

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=two', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['cursor=not-ours', 'cursor'],
    ['cursor=%7B%7D', 'cursor'],
  ])('refuses %s with a 400 naming it', async (query, parameter) => {
    const { request, relayed } = await setup()
    const res = await request('GET', `/discovery/v1/flavors/k8slice?${query}&${QUERY}`)
    expect(res.status).toBe(400)
    expect(res.body.details).toMatchObject({ parameter })
    expect(relayed).toEqual([])
  })

  it('refuses a fresh parameter that is not a boolean, naming it', async () => {
    const { request } = await setup()
    const res = await request('GET', `/discovery/v1/flavors/k8slice?fresh=maybe&${QUERY}`)
    expect(res.status).toBe(400)
    expect(res.body.message).toContain('fresh')
  })

  async function setup() {
    const relayed: { fresh?: boolean; selector: string }[] = []
    const fetch = (async (_: string | URL | Request, init?: RequestInit) => {
      relayed.push(JSON.parse(String(init?.body)))
      return Response.json({ results: [{ flavor: flavourToWire(remote), route: ['consumer-supernode', 'provider-node'] }], failed: [] })
    }) as typeof globalThis.fetch
    const participant = await createInMemoryParticipant({ env: { PARTICIPANT_ID: 'consumer-node', PARTICIPANT_DOMAIN: 'consumer.local' }, peers: [supernode], fetch })
    return { ...participant, relayed }
  }
})

describe('POST /rear/v1/relay/list-flavours', () => {
  const relay = (overrides: Record<string, unknown> = {}) => ({
    type: 'k8slice',
    selector: QUERY,
    visited: ['consumer-node'],
    hopsLeft: 3,
    correlationId: 'corr-relay',
    budgetMs: 1900,
    ...overrides,
  })

  it('says how old each result it learnt is, and passes fresh on to the peers it asks', async () => {
    const { request, relayed, candidates, clock } = await setup()
    await request('POST', '/rear/v1/relay/list-flavours', relay())
    clock.advance(5_000)
    const cached = await request('POST', '/rear/v1/relay/list-flavours', relay({ correlationId: 'corr-relay-2' }))
    expect(cached.body.results).toEqual([expect.objectContaining({ route: ['consumer-supernode', 'provider-supernode', 'provider-node'], ageMs: 5_000 })])
    const fresh = await request('POST', '/rear/v1/relay/list-flavours', relay({ fresh: true, correlationId: 'corr-relay-3' }))
    expect(fresh.status).toBe(200)
    expect(relayed.map((r) => r.fresh ?? false)).toEqual([false, true])
    expect(candidates.entries.size).toBe(1)
  })

  it('answers the page asked for with the cursor of the next, and refuses a cursor it did not issue', async () => {
    const { request } = await setup()
    const paged = await request('POST', '/rear/v1/relay/list-flavours', relay({ limit: 1, cursor: encodeIndexCursor({ price: 0, id: '' }) }))
    expect(paged.status).toBe(200)
    expect(paged.body.results).toHaveLength(1)
    const forged = await request('POST', '/rear/v1/relay/list-flavours', relay({ limit: 1, cursor: 'e30' }))
    expect(forged.status).toBe(400)
    expect(forged.body).toMatchObject({ code: 'INVALID_CURSOR' })
    const huge = await request('POST', '/rear/v1/relay/list-flavours', relay({ limit: 5001 }))
    expect(huge.status).toBe(400)
  })

  async function setup() {
    const relayed: { fresh?: boolean }[] = []
    const fetch = (async (_: string | URL | Request, init?: RequestInit) => {
      relayed.push(JSON.parse(String(init?.body)))
      return Response.json({ results: [{ flavor: flavourToWire(remote), route: ['provider-supernode', 'provider-node'] }], failed: [] })
    }) as typeof globalThis.fetch
    const participant = await createInMemoryParticipant({
      role: 'supernode',
      env: { PARTICIPANT_ID: 'consumer-supernode', PARTICIPANT_DOMAIN: 'consumer.local' },
      peers: [aPeer({ id: 'provider-supernode', role: 'supernode' })],
      fetch,
    })
    return { ...participant, relayed }
  }
})

describe('PUT /rear/v1/publications/{publisherId}', () => {
  it.each(['a%23b', 'p'.repeat(300)])('refuses the publisher id %s, storing nothing', async (id) => {
    const { request, published } = await createInMemoryParticipant({ role: 'supernode' })
    const res = await request('PUT', `/rear/v1/publications/${id}`, { flavors: [] })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'INVALID_PATH_PARAMETER' })
    expect(published.entries.size).toBe(0)
  })
})
