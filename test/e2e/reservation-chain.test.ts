import { afterEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../support/fake-clock.ts'
import { startTestFederation } from '../support/test-federation.ts'
import { registerPeer } from '../../core/peers/register-peer.ts'
import { aPeer } from '../support/factories.ts'

const FLAVOUR = 'provider.local-k8slice-a001'
const HOPS = ['consumer-node', 'consumer-supernode', 'provider-supernode', 'provider-node']
const small = { type: 'k8slice', data: { cpu: '1', memory: '1Gi', pods: '1' } }

type View = { operationId: string; state: string; contractID: string | null; allocationID: string | null; failure: { hop: string; code: string } | null }

describe('the reservation chain over SQS', () => {
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop()
  })

  it('reserves and purchases across four participants; each hop holds its contract, the flavour is reduced, the consumer has an inactive VirtualNode', async () => {
    const { start, view, waitFor, url, scan } = await setup()
    const started = await start({ configuration: { type: 'k8slice', data: { cpu: '2', memory: '4Gi', pods: '10' } } })
    expect(started.status).toBe(202)
    await waitFor(started.body.operationId, ['purchased'])
    for (const id of HOPS) {
      const hop = await view(id, started.body.operationId)
      expect(hop.state, id).toBe('purchased')
      const contract = await fetch(`${url(id)}/admin/v1/contracts/${hop.contractID}`)
      expect(contract.status, `${id} holds its contract`).toBe(200)
      expect(await scan(id, 'network-event'), `${id} told its Network Manager`).toHaveLength(1)
    }
    const flavours = (await (await fetch(`${url('provider-node')}/api/v2/flavors/k8slice`)).json()) as { flavorID: string; type: { data: { charateristics: { cpu: string } } } }[]
    expect(flavours.find((f) => f.flavorID === FLAVOUR)).toBeUndefined()
    expect(flavours.map((f) => f.type.data.charateristics.cpu)).toContain('6')
    expect(await scan('consumer-node', 'allocation')).toEqual([expect.objectContaining({ allocationType: 'VirtualNode', status: 'inactive' })])
    expect(await scan('provider-node', 'allocation')).toEqual([expect.objectContaining({ allocationType: 'Node', status: 'inactive' })])
  })

  it('purchases over a route through the catalog, which answers the consumer supernode at its reply address', async () => {
    const { start, view, waitFor, at } = await setup()
    const consumer = at('consumer-node').participant.app.chain.candidates
    const [candidate] = (await consumer.listFresh('k8slice', new Date())).filter((c) => c.flavour.id === FLAVOUR)
    await consumer.put([{ ...candidate!, route: ['consumer-supernode', 'catalog', 'provider-node'] }])
    expect(await at('catalog').participant.discovery.peers.get('consumer-supernode')).toBeUndefined()
    const started = await start()
    await waitFor(started.body.operationId, ['purchased'])
    for (const id of ['consumer-node', 'consumer-supernode', 'catalog', 'provider-node']) expect((await view(id, started.body.operationId)).state, id).toBe('purchased')
  })

  it('tears a purchased chain down: every hop and its contract released, the provider’s pool and flavour grown back, both allocations released', async () => {
    const { start, view, waitFor, url, scan } = await setup()
    const started = await start({ configuration: { type: 'k8slice', data: { cpu: '2', memory: '4Gi', pods: '10' } } })
    await waitFor(started.body.operationId, ['purchased'])
    const release = await fetch(`${url('consumer-node')}/chain/v1/operations/${started.body.operationId}/release`, { method: 'POST' })
    expect(release.status).toBe(202)
    await waitFor(started.body.operationId, ['released'])
    for (const id of HOPS) await expect.poll(async () => (await view(id, started.body.operationId)).state, { timeout: 10_000 }).toBe('released')
    for (const id of HOPS) {
      const contract = await (await fetch(`${url(id)}/admin/v1/contracts/${(await view(id, started.body.operationId)).contractID}`)).json()
      expect(contract, id).toMatchObject({ status: 'released', releasedAt: expect.any(String) })
    }
    const flavours = (await (await fetch(`${url('provider-node')}/api/v2/flavors/k8slice`)).json()) as { type: { data: { charateristics: { cpu: string } } } }[]
    expect(flavours.map((f) => f.type.data.charateristics.cpu)).toContain('8')
    expect(await scan('consumer-node', 'allocation')).toEqual([expect.objectContaining({ allocationType: 'VirtualNode', status: 'released' })])
    expect(await scan('provider-node', 'allocation')).toEqual([expect.objectContaining({ allocationType: 'Node', status: 'released' })])
  })

  it('fails cleanly when the provider answers 409, telling every hop where and why', async () => {
    const { start, view, waitFor, url, scan } = await setup()
    const blocker = await fetch(`${url('provider-node')}/api/v2/reservations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ flavorID: FLAVOUR, buyerID: { ID: 'someone', IP: 'x:1', domain: 'x', additionalInformation: { liqoID: 'l' } } }),
    })
    expect(blocker.status).toBe(200)
    const started = await start()
    await waitFor(started.body.operationId, ['failed'])
    for (const id of HOPS) {
      expect(await view(id, started.body.operationId), id).toMatchObject({ state: 'failed', failure: { hop: 'provider-node', code: 'CAPACITY_UNAVAILABLE' } })
    }
    expect((await scan('provider-node', 'transaction')).filter((t) => t.status === 'reserved')).toHaveLength(1)
  })

  it('fails cleanly when the provider is unreachable', async () => {
    const { start, view, waitFor, at } = await setup()
    await registerPeer(at('provider-supernode').participant.discovery.peers, 'provider-supernode', aPeer({ id: 'provider-node', baseUrl: 'http://127.0.0.1:1' }))
    const started = await start()
    await waitFor(started.body.operationId, ['failed'])
    expect(await view('consumer-node', started.body.operationId)).toMatchObject({ failure: { hop: 'provider-node', code: 'PEER_UNAVAILABLE' } })
  })

  it('fails cleanly when the reservation expires mid-chain, and holds nothing afterwards', async () => {
    const clock = new FakeClock(new Date())
    const { start, waitFor, view, url, at } = await setup({ clock })
    const started = await start({ deferPurchase: true })
    await waitFor(started.body.operationId, ['reserved'])
    clock.advance(3_600_000)
    const purchase = await fetch(`${url('consumer-node')}/chain/v1/operations/${started.body.operationId}/purchase`, { method: 'POST' })
    expect(purchase.status).toBe(202)
    await waitFor(started.body.operationId, ['failed'])
    expect(await view('consumer-node', started.body.operationId)).toMatchObject({ failure: { hop: 'provider-node', code: 'TRANSACTION_EXPIRED' } })
    const pool = await at('provider-node').participant.app.provider.flavours.getPool(FLAVOUR)
    expect(pool?.free.cpu).toBe(8e9)
  })

  it('never grants more than the flavour has to 50 concurrent chains', async () => {
    const { start, waitFor, scan } = await setup()
    const started = await Promise.all(Array.from({ length: 50 }, () => start()))
    const finals = await Promise.all(started.map((s) => waitFor(s.body.operationId, ['purchased', 'failed'], 90_000)))
    const purchased = finals.filter((v) => v.state === 'purchased')
    expect(purchased).toHaveLength(8)
    expect(finals.filter((v) => v.state === 'failed').every((v) => v.failure?.code === 'CAPACITY_UNAVAILABLE')).toBe(true)
    expect(await scan('provider-node', 'contract')).toHaveLength(8)
  }, 120_000)

  async function setup(options: { clock?: FakeClock } = {}) {
    const federation = await startTestFederation({ ...(options.clock ? { clock: options.clock } : {}), env: { HOP_TIMEOUT_SECONDS: '20', MAX_HOLDS_PER_BUYER: '50' } })
    stops.push(() => federation.federation.stop())
    const { url } = federation
    await fetch(`${url('consumer-node')}/discovery/v1/flavors/k8slice?filter[cpu][range][min]=1`)
    const start = async (body: Record<string, unknown> = {}) => {
      const res = await fetch(`${url('consumer-node')}/chain/v1/operations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ flavorID: FLAVOUR, providerID: 'provider-node', configuration: small, ...body }),
      })
      return { status: res.status, body: (await res.json()) as View }
    }
    const view = (id: string, operationId: string) => federation.view<View>(id, operationId)
    const waitFor = (operationId: string, states: string[], timeoutMs?: number) => federation.waitFor<View>(operationId, states, timeoutMs)
    return { ...federation, start, view, waitFor }
  }
})
