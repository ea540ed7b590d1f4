import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../support/fake-clock.ts'
import { startTestFederation } from '../../support/test-federation.ts'

const ADMIN_TOKEN = 'a-local-admin-token-0123'
const FLAVOUR = 'provider.local-k8slice-a001'

describe('the local federation configured from the environment', () => {
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop()
  })

  it('guards every participant’s operator API with ADMIN_TOKEN', async () => {
    const { federation } = await setup({ env: { ADMIN_TOKEN } })
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` }
    for (const { url, spec } of federation.participants) {
      expect((await fetch(`${url}/admin/v1/peers`)).status, spec.id).toBe(401)
      expect((await fetch(`${url}/admin/v1/peers`, { headers: admin })).status, spec.id).toBe(200)
      expect((await fetch(`${url}/chain/v1/operations/chain-unknown`)).status, spec.id).toBe(401)
      expect((await fetch(`${url}/chain/v1/operations/chain-unknown`, { headers: admin })).status, spec.id).toBe(404)
    }
    const node = federation.participants.find((p) => p.spec.id === 'consumer-node')!.url
    const operator = [
      ['GET', '/discovery/v1/flavors/k8slice', 200],
      ['POST', '/chain/v1/operations', 400],
      ['GET', '/intents/v1', 200],
      ['POST', '/intents/v1/intent-unknown/rating', 400],
      ['GET', '/providers/v1', 200],
    ] as const
    for (const [method, path, status] of operator) {
      const body = method === 'POST' ? { body: '{}' } : {}
      expect((await fetch(`${node}${path}`, { method, headers: { 'Content-Type': 'application/json' }, ...body })).status, `${method} ${path}`).toBe(401)
      expect((await fetch(`${node}${path}`, { method, headers: { 'Content-Type': 'application/json', ...admin }, ...body })).status, `${method} ${path}`).toBe(status)
    }
    expect((await fetch(`${node}/intents/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(401)
    expect(await (await fetch(`${node}/intents/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json()).toMatchObject({ code: 'WEBHOOK_HEADERS_MISSING' })
  })

  it('answers 421 to a Host that is not the participant’s own', async () => {
    const { url, federation } = await setup({ env: {} })
    const { port } = new URL(url('consumer-node'))

    const rebound = await get(url('consumer-node'), '/chain/v1/operations/chain-unknown', `rebound.attacker.example:${port}`)
    const local = await get(url('consumer-node'), '/healthz', `localhost:${port}`)

    expect(federation.participants[0]?.config.allowedHosts).toContain(`127.0.0.1:${federation.participants[0]?.spec.port}`)
    expect(rebound).toMatchObject({ status: 421, body: expect.stringContaining('MISDIRECTED_REQUEST') })
    expect(local.status).toBe(200)
  })

  it('gives each chain phase HOP_TIMEOUT_SECONDS', async () => {
    const { url, clock } = await setup({ env: { HOP_TIMEOUT_SECONDS: '45' } })
    await fetch(`${url('consumer-node')}/discovery/v1/flavors/k8slice?filter[cpu][range][min]=1`)
    const res = await fetch(`${url('consumer-node')}/chain/v1/operations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ flavorID: FLAVOUR, providerID: 'provider-node', configuration: { type: 'k8slice', data: { cpu: '1', memory: '1Gi', pods: '1' } } }),
    })
    expect(res.status).toBe(202)
    const { operationId } = (await res.json()) as { operationId: string }
    const view = (await (await fetch(`${url('consumer-node')}/chain/v1/operations/${operationId}`)).json()) as { deadline: string }
    expect(view.deadline).toBe(new Date(clock.now().getTime() + 45_000).toISOString())
  })

  it('answers 413 past MAX_BODY_BYTES', async () => {
    const { url } = await setup({ env: { MAX_BODY_BYTES: '2048' } })
    const res = await fetch(`${url('provider-node')}/api/v2/reservations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ flavorID: 'x'.repeat(4096) }) })
    expect(res.status).toBe(413)
  })

  it('keeps each participant’s identity, table and queues when the environment names others', async () => {
    const { federation } = await setup({ env: { PARTICIPANT_ID: 'intruder', TABLE_NAME: 'intruder-table', CHAIN_QUEUE_URL: 'http://127.0.0.1:1/q' } })
    for (const { spec, config, queues } of federation.participants) {
      expect(config).toMatchObject({ id: spec.id, chainQueueUrl: queues.chain })
      expect(config.tableName).toMatch(new RegExp(`-${spec.id}$`))
    }
  })

  function get(base: string, path: string, host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, base), { headers: { Host: host } }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject).end()
    })
  }

  async function setup(input: { env: Record<string, string> }) {
    const clock = new FakeClock(new Date())
    const started = await startTestFederation({ clock, env: input.env })
    stops.push(() => started.federation.stop())
    return { ...started, clock }
  }
})
