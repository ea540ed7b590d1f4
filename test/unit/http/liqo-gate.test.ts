import { describe, expect, it } from 'vitest'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

const operation = { flavorID: 'provider.local-k8slice-0001', providerID: 'provider-2' }

describe('the Liqo readiness gate', () => {
  it('never gates a node whose agent has not reported (static configuration)', async () => {
    const { request } = await setup()
    expect((await request('POST', '/chain/v1/operations', operation)).status).not.toBe(503)
  })

  it('answers 503 with Retry-After to peering calls while the agent reports Liqo not ready', async () => {
    const { request, report } = await setup()
    await report({ liqoReady: false, detail: 'no cluster id' })
    for (const [method, path] of [
      ['POST', '/chain/v1/operations'],
      ['POST', '/chain/v1/operations/chain-1/purchase'],
      ['PUT', '/chain/v1/operations/chain-1/workloads/web'],
      ['POST', '/api/v2/reservations'],
      ['POST', '/api/v2/transactions/tx-1/purchase'],
    ] as const) {
      const res = await request(method, path, {})
      expect(res.status, `${method} ${path}`).toBe(503)
      expect(res.headers.get('Retry-After')).toBe('30')
      expect(res.body).toMatchObject({ code: 'LIQO_NOT_READY', message: expect.stringContaining('no cluster id') })
    }
    expect((await request('GET', '/api/v2/flavors')).status).not.toBe(503)
  })

  it('opens once the agent reports Liqo ready, and closes again when its reports stop', async () => {
    const { request, report, clock } = await setup()
    await report({ liqoReady: true, clusterId: 'liqo-provider' })
    expect((await request('POST', '/chain/v1/operations', operation)).status).not.toBe(503)
    clock.advance(91_000)
    const stale = await request('POST', '/chain/v1/operations', operation)
    expect(stale.status).toBe(503)
    expect(stale.body).toMatchObject({ message: expect.stringContaining('has not reported since') })
  })

  it('refuses a malformed cluster report with 400 and stores nothing', async () => {
    const { request, clusterStatus } = await setup()
    expect((await request('PUT', '/agent/v1/cluster', { liqoReady: 'yes' })).status).toBe(400)
    expect(await clusterStatus.get()).toBeUndefined()
  })

  async function setup() {
    const participant = await createInMemoryParticipant()
    const report = async (body: Record<string, unknown>) => expect((await participant.request('PUT', '/agent/v1/cluster', body)).status).toBe(200)
    return { ...participant, report }
  }
})
