import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { startTestFederation } from '../support/test-federation.ts'
import { registerPeer } from '../../core/peers/register-peer.ts'
import { startBrokenServer, startGoNode, startSilentServer } from '../support/peer-servers.ts'
import type { TestServer } from '../support/peer-servers.ts'
import { aK8SliceFlavour, aPeer, aProvider } from '../support/factories.ts'
import { HttpPeerGateway } from '../../adapters/http/http-peer-gateway.ts'

const PEER_TIMEOUT_MS = 600
const goFlavour = JSON.parse(readFileSync(new URL('../fixtures/wire/go-k8slice-flavor.json', import.meta.url), 'utf8'))
const armGoFlavour = {
  ...goFlavour,
  flavorID: 'fluidos.eu-k8slice-arm1',
  type: { ...goFlavour.type, data: { ...goFlavour.type.data, charateristics: { ...goFlavour.type.data.charateristics, architecture: 'arm64' } } },
}
const selector = 'filter[architecture][match]=amd64&filter[cpu][range][min]=2&filter[memory][range][min]=4Gi'

type Candidate = { providerID: string; route: string[]; flavor: { flavorID: string } }

describe('discovery across domains over HTTP', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  it('finds the provider node flavour from the consumer node through both supernodes, and records the route', async () => {
    const { url, federation } = await setup()
    const res = await fetch(`${url('consumer-node')}/discovery/v1/flavors/k8slice?${selector}`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { candidates: Candidate[]; failedPeers: unknown[] }
    expect(body.failedPeers).toEqual([])
    expect(body.candidates.map((c) => [c.flavor.flavorID, c.providerID, c.route])).toEqual([
      ['provider.local-k8slice-a001', 'provider-node', ['consumer-supernode', 'provider-supernode', 'provider-node']],
      ['provider.local-k8slice-g001', 'provider-node', ['consumer-supernode', 'provider-supernode', 'provider-node']],
    ])
    const consumer = federation.participants.find((p) => p.spec.id === 'consumer-node')!.participant
    const stored = await consumer.discovery.candidates.listFresh('k8slice', new Date())
    expect(stored.map((c) => c.route)).toEqual([
      ['consumer-supernode', 'provider-supernode', 'provider-node'],
      ['consumer-supernode', 'provider-supernode', 'provider-node'],
    ])
  })

  it('shows operators what each participant learnt, page by page, with routes and ages', async () => {
    const { url } = await setup()
    type Listed = { entries: { flavorID: string; route: string[]; ageSeconds: number }[]; next: string | null }
    const list = async (id: string, path: string) => (await (await fetch(`${url(id)}${path}`)).json()) as Listed
    const first = await list('consumer-node', '/admin/v1/candidates?limit=1')
    const second = await list('consumer-node', `/admin/v1/candidates?limit=1&cursor=${first.next}`)
    expect([...first.entries, ...second.entries].map((e) => [e.flavorID, e.route])).toEqual([
      ['provider.local-k8slice-a001', ['consumer-supernode', 'provider-supernode', 'provider-node']],
      ['provider.local-k8slice-g001', ['consumer-supernode', 'provider-supernode', 'provider-node']],
    ])
    const published = await list('provider-supernode', '/admin/v1/publications?type=k8slice')
    expect(published.entries.map((e) => [e.flavorID, e.route])).toEqual([
      ['provider.local-k8slice-a001', ['provider-node']],
      ['provider.local-k8slice-g001', ['provider-node']],
    ])
    expect(published.entries.every((e) => e.ageSeconds >= 0 && e.ageSeconds < 60)).toBe(true)
  })

  it('lists through a supernode for a request shaped exactly like the Go client', async () => {
    const { url } = await setup()
    const res = await fetch(`${url('consumer-supernode')}/api/v2/flavors/k8slice?filter[architecture][match]=amd64&filter[cpu][range][min]=2&filter[memory][range][min]=4Gi`)
    expect(res.status).toBe(200)
    const flavours = (await res.json()) as { flavorID: string; owner: { ID: string } }[]
    expect(flavours.map((f) => [f.flavorID, f.owner.ID])).toEqual([
      ['provider.local-k8slice-a001', 'provider-node'],
      ['provider.local-k8slice-g001', 'provider-node'],
    ])
    const all = await fetch(`${url('catalog')}/api/v2/flavors`)
    expect(((await all.json()) as unknown[]).length).toBe(3)
  })

  it('answers within the peer timeout plus a margin when one peer never answers and one answers 500, naming both', async () => {
    const { url, federation } = await setup({ fresh: true })
    const silent = await server(startSilentServer())
    const broken = await server(startBrokenServer())
    const supernode = federation.participants.find((p) => p.spec.id === 'consumer-supernode')!.participant
    await registerPeer(supernode.discovery.peers, 'consumer-supernode', aPeer({ id: 'silent-supernode', domain: 'silent-supernode', role: 'supernode', baseUrl: silent.url }))
    await registerPeer(supernode.discovery.peers, 'consumer-supernode', aPeer({ id: 'broken-supernode', domain: 'broken-supernode', role: 'supernode', baseUrl: broken.url }))
    const started = performance.now()
    const res = await fetch(`${url('consumer-node')}/discovery/v1/flavors/k8slice?${selector}`)
    const elapsed = performance.now() - started
    const body = (await res.json()) as { candidates: Candidate[]; failedPeers: { peerId: string; kind: string }[] }
    expect(body.candidates.length).toBe(2)
    expect(body.failedPeers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ peerId: 'silent-supernode', kind: 'timeout' }),
        expect.objectContaining({ peerId: 'broken-supernode', kind: 'status' }),
      ]),
    )
    expect(elapsed).toBeLessThan(PEER_TIMEOUT_MS + 400)
  })

  it('lists a FLUIDOS Go peer in full and matches locally, so its selector bug cannot hide a match, and reads its 204 as nothing', async () => {
    const { url, federation } = await setup({ fresh: true })
    const goNode = await server(startGoNode([goFlavour, armGoFlavour]))
    const emptyGoNode = await server(startGoNode([]))
    const consumer = federation.participants.find((p) => p.spec.id === 'consumer-node')!.participant
    await registerPeer(consumer.discovery.peers, 'consumer-node', aPeer({ id: 'go-node', domain: 'go-node', baseUrl: goNode.url, protocol: 'fluidos-go' }))
    await registerPeer(consumer.discovery.peers, 'consumer-node', aPeer({ id: 'empty-go-node', domain: 'empty-go-node', baseUrl: emptyGoNode.url, protocol: 'fluidos-go' }))
    const res = await fetch(`${url('consumer-node')}/discovery/v1/flavors/k8slice?filter[architecture][match]=arm64&filter[storage][range][min]=0&filter[gpu][range][min]=0`)
    const body = (await res.json()) as { candidates: Candidate[]; failedPeers: unknown[] }
    expect(body.failedPeers).toEqual([])
    expect(body.candidates.map((c) => [c.flavor.flavorID, c.route])).toEqual([['fluidos.eu-k8slice-arm1', ['go-node']]])
    expect(goNode.requests).toEqual(['/api/v2/flavors'])
  })

  it('answers the same discovery again from what it learnt, and asks the peers again with fresh=true', async () => {
    const { url, federation } = await setup({ fresh: true })
    const goNode = await server(startGoNode([goFlavour, armGoFlavour]))
    const consumer = federation.participants.find((p) => p.spec.id === 'consumer-node')!.participant
    await registerPeer(consumer.discovery.peers, 'consumer-node', aPeer({ id: 'go-node', domain: 'go-node', baseUrl: goNode.url, protocol: 'fluidos-go' }))
    const discover = async (query: string) => ((await (await fetch(`${url('consumer-node')}/discovery/v1/flavors/k8slice?${query}`)).json()) as { candidates: Candidate[] }).candidates
    const first = await discover(selector)
    const again = await discover(selector)
    expect(goNode.requests).toHaveLength(1)
    expect(again.map((c) => c.flavor.flavorID).sort()).toEqual(first.map((c) => c.flavor.flavorID).sort())
    await discover(`fresh=true&${selector}`)
    expect(goNode.requests).toHaveLength(2)
  })

  it('takes a publication of 503 flavours in parts, and withdraws what the next one leaves out', async () => {
    const { federation } = await setup({ fresh: true })
    const participant = (id: string) => federation.participants.find((p) => p.spec.id === id)!.participant
    const supernode = (await participant('provider-node').discovery.peers.get('provider-supernode'))!
    const owner = aProvider({ id: 'provider-node', domain: 'provider.local' })
    const many = Array.from({ length: 503 }, (_, i) => aK8SliceFlavour({ id: `provider.local-k8slice-b${String(i).padStart(4, '0')}`, owner }))
    const gateway = new HttpPeerGateway('provider-node')
    const published = async () => (await participant('provider-supernode').discovery.published!.listFresh('k8slice', new Date())).length
    await gateway.publish(supernode, 'provider-node', many, 5_000)
    expect(await published()).toBe(503)
    await gateway.publish(supernode, 'provider-node', many.slice(50), 5_000)
    expect(await published()).toBe(453)
  })

  it.each([
    ['consumer-node', '/api/v2/flavors/k8slice?filter[cpu][range]=1'],
    ['consumer-node', '/discovery/v1/flavors/k8slice?filter[cpu][range][min]=4&filter[cpu][range][max]=2'],
    ['consumer-supernode', '/api/v2/flavors/k8slice?filter[ram][match]=1'],
    ['provider-supernode', '/api/v2/flavors/service?filter[cpu][match]=1'],
    ['catalog', '/api/v2/flavors/k8slice?filter[memory][range][min]=lots'],
  ])('answers a bad selector at %s with 400', async (id, path) => {
    const { url } = await setup()
    const res = await fetch(`${url(id)}${path}`)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'INVALID_SELECTOR' })
  })

  it('refuses publications from strangers and of foreign flavours', async () => {
    const { url } = await setup()
    const stranger = await fetch(`${url('catalog')}/rear/v1/publications/stranger`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ flavors: [] }) })
    expect(stranger.status).toBe(403)
    const foreign = await fetch(`${url('catalog')}/rear/v1/publications/provider-node`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ flavors: [goFlavour] }) })
    expect(foreign.status).toBe(403)
  })

  async function server(starting: Promise<TestServer>): Promise<TestServer> {
    const started = await starting
    cleanups.push(() => started.close())
    return started
  }

  let shared: ReturnType<typeof start> | undefined

  async function setup(options: { fresh?: boolean } = {}) {
    if (options.fresh) return start()
    shared ??= start()
    return shared
  }

  async function start() {
    const started = await startTestFederation({ env: { PEER_TIMEOUT_MS: String(PEER_TIMEOUT_MS) } })
    cleanups.push(() => started.federation.stop())
    return started
  }
})
