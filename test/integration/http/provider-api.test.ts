import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { createTestParticipant } from '../../support/test-participant.ts'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { aK8SliceFlavour, aServiceFlavour } from '../../support/factories.ts'
import type { Flavour } from '../../../core/flavours/model.ts'

const HOUR = 3_600_000
const goReserve = () => JSON.parse(readFileSync(new URL('../../fixtures/wire/go-reserve-request.json', import.meta.url), 'utf8'))

const reserveBody = (overrides: { buyer?: string; cpu?: string; memory?: string; flavourId?: string } = {}) => ({
  flavorID: overrides.flavourId ?? 'provider.local-k8slice-0001',
  buyerID: {
    ID: overrides.buyer ?? 'consumer-1',
    IP: '127.0.0.1:30000',
    domain: 'consumer.local',
    additionalInformation: { liqoID: `liqo-${overrides.buyer ?? 'consumer-1'}`, kubeconfig: 'c2VjcmV0LWJ1eWVyLWt1YmVjb25maWc=' },
  },
  configuration: { type: 'k8slice', data: { cpu: overrides.cpu ?? '2', memory: overrides.memory ?? '4Gi', pods: '10' } },
})

describe('provider REAR API', () => {
  it('lists, reserves, purchases and then lists the reduced flavour', async () => {
    const { request } = await setup()
    const listed = await request('GET', '/api/v2/flavors')
    expect(listed.status).toBe(200)
    expect(listed.body).toHaveLength(1)

    const reserved = await request('POST', '/api/v2/reservations', reserveBody())
    expect(reserved.status).toBe(200)
    expect(reserved.body).toMatchObject({ flavorID: 'provider.local-k8slice-0001', clusterID: 'liqo-consumer-1' })
    expect(JSON.stringify(reserved.body)).not.toContain('kubeconfig')

    const purchased = await request('POST', `/api/v2/transactions/${reserved.body.transactionID}/purchase`, {})
    expect(purchased.status).toBe(200)
    expect(purchased.body).toMatchObject({
      transactionID: reserved.body.transactionID,
      buyerID: { ID: 'consumer-1' },
      seller: { ID: 'provider-1', additionalInformation: { liqoID: 'liqo-provider' } },
      peeringTargetCredentials: { clusterID: 'liqo-provider' },
    })

    const after = await request('GET', '/api/v2/flavors/k8slice?filter[cpu][range][min]=1')
    expect(after.body).toHaveLength(1)
    expect(after.body[0].flavorID).not.toBe('provider.local-k8slice-0001')
    expect(after.body[0].type.data.charateristics).toMatchObject({ cpu: '6', memory: '12Gi', pods: '100' })
  })

  it('answers 204 with no body when nothing is available', async () => {
    const { request } = await setup({ flavours: [] })
    const listed = await request('GET', '/api/v2/flavors')
    expect(listed.status).toBe(204)
    expect(listed.text).toBe('')
  })

  it('returns the same transaction and contract when reserve and purchase are repeated', async () => {
    const { request, scan } = await setup()
    const first = await request('POST', '/api/v2/reservations', reserveBody())
    const second = await request('POST', '/api/v2/reservations', reserveBody())
    expect(second.body.transactionID).toBe(first.body.transactionID)
    const path = `/api/v2/transactions/${first.body.transactionID}/purchase`
    const contract = await request('POST', path, {})
    const again = await request('POST', path, {})
    expect(again.body).toEqual(contract.body)
    const items = await scan()
    expect(items.filter((i) => i.kind === 'contract')).toHaveLength(1)
    expect(items.filter((i) => i.kind === 'allocation')).toEqual([expect.objectContaining({ allocationType: 'Node', status: 'inactive' })])
  })

  it('answers 408 for an expired transaction and gives the capacity back', async () => {
    const { request, clock } = await setup()
    const reserved = await request('POST', '/api/v2/reservations', reserveBody({ cpu: '8', memory: '16Gi' }))
    clock.advance(HOUR)
    const purchased = await request('POST', `/api/v2/transactions/${reserved.body.transactionID}/purchase`, {})
    expect(purchased.status).toBe(408)
    expect(purchased.body.code).toBe('TRANSACTION_EXPIRED')
    const other = await request('POST', '/api/v2/reservations', reserveBody({ buyer: 'consumer-2', cpu: '8', memory: '16Gi' }))
    expect(other.status).toBe(200)
  })

  it('accepts a request shaped exactly like the Go client, raw brackets included', async () => {
    const { request } = await setup({ flavours: [aK8SliceFlavour({ id: 'fluidos.eu-k8slice-7f3a', cpu: '4', memory: '8Gi' })] })
    const listed = await request('GET', '/api/v2/flavors/k8slice?filter[architecture][match]=amd64&filter[cpu][range][min]=1&filter[memory][range][min]=1Gi')
    expect(listed.body.map((f: { flavorID: string }) => f.flavorID)).toEqual(['fluidos.eu-k8slice-7f3a'])
    const reserved = await request('POST', '/api/v2/reservations', goReserve())
    expect(reserved.status).toBe(200)
    expect(reserved.body.buyer).toEqual({ ID: 'jlhfplohpf', IP: '172.18.0.2:30000', domain: 'fluidos.eu', additionalInformation: { liqoID: '14461b0e-446d-4b05-b1f8-9ddb6765ac02' } })
    const purchased = await request('POST', `/api/v2/transactions/${reserved.body.transactionID}/purchase`, {})
    expect(purchased.status).toBe(200)
  })

  it.each([
    ['malformed JSON', 'POST', '/api/v2/reservations', '{"flavorID": ', 400, 'MALFORMED_JSON'],
    ['an empty reserve body', 'POST', '/api/v2/reservations', '', 400, 'MALFORMED_JSON'],
    ['a wrong type', 'POST', '/api/v2/reservations', JSON.stringify({ ...reserveBody(), flavorID: 7 }), 400, 'INVALID_BODY'],
    ['an unknown field in the wrong place', 'POST', '/api/v2/reservations', JSON.stringify({ ...reserveBody(), cpu: '2' }), 400, 'INVALID_BODY'],
    ['a missing liqoID', 'POST', '/api/v2/reservations', JSON.stringify({ flavorID: 'provider.local-k8slice-0001', buyerID: { ID: 'b' } }), 400, 'LIQO_ID_REQUIRED'],
    ['a bad quantity', 'POST', '/api/v2/reservations', JSON.stringify(reserveBody({ cpu: '2 cores' })), 400, 'INVALID_BODY'],
    ['a configuration over min/step', 'POST', '/api/v2/reservations', JSON.stringify(reserveBody({ memory: '1100Mi' })), 400, 'INVALID_CONFIGURATION'],
    ['an unknown flavour', 'POST', '/api/v2/reservations', JSON.stringify(reserveBody({ flavourId: 'nope' })), 404, 'FLAVOUR_NOT_FOUND'],
    ['an unknown transaction', 'POST', '/api/v2/transactions/nope/purchase', '{}', 404, 'TRANSACTION_NOT_FOUND'],
    ['a purchase body that is an array', 'POST', '/api/v2/transactions/nope/purchase', '[]', 400, 'INVALID_BODY'],
    ['a wrong method', 'DELETE', '/api/v2/reservations', undefined, 405, 'METHOD_NOT_ALLOWED'],
    ['a wrong method on flavours', 'POST', '/api/v2/flavors', '{}', 405, 'METHOD_NOT_ALLOWED'],
    ['a bad selector key', 'GET', '/api/v2/flavors/k8slice?filter[cpu][range]=1', undefined, 400, 'INVALID_SELECTOR'],
    ['min above max', 'GET', '/api/v2/flavors/k8slice?filter[cpu][range][min]=4&filter[cpu][range][max]=2', undefined, 400, 'INVALID_SELECTOR'],
    ['a VM listing', 'GET', '/api/v2/flavors/vm', undefined, 400, 'UNSUPPORTED_FLAVOUR_TYPE'],
    ['an unknown flavour type', 'GET', '/api/v2/flavors/gadgets', undefined, 404, 'ROUTE_NOT_FOUND'],
    ['an unknown route', 'GET', '/api/v3/flavors', undefined, 404, 'ROUTE_NOT_FOUND'],
  ])('answers %s with a clear 4xx and writes nothing', async (_, method, path, body, status, code) => {
    const { app, scan } = await setup()
    const before = await scan()
    const res = await app.request(path, { method, ...(body === undefined ? {} : { body, headers: { 'Content-Type': 'application/json' } }) })
    expect(res.status).toBe(status)
    expect(await res.json()).toMatchObject({ code, message: expect.any(String) })
    expect(await scan()).toEqual(before)
  })

  it('answers 413 for an oversized body', async () => {
    const { app } = await setup()
    const body = JSON.stringify({ ...reserveBody(), padding: 'x'.repeat(300 * 1024) })
    const res = await app.request('/api/v2/reservations', { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
  })

  it('serves health and an OpenAPI document generated from the zod schemas', async () => {
    const { request } = await setup()
    expect((await request('GET', '/healthz')).body).toEqual({ status: 'ok', role: 'node', participant: 'provider-1' })
    const doc = (await request('GET', '/openapi.json')).body
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v2/flavors',
        '/api/v2/flavors/{type}',
        '/api/v2/reservations',
        '/api/v2/transactions/{id}/purchase',
        '/discovery/v1/flavors/{type}',
        '/rear/v1/relay/list-flavours',
        '/chain/v1/operations',
        '/admin/v1/peers/{id}',
      ]),
    )
    expect(doc.paths['/api/v2/reservations'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('buyerID')
  })

  it('echoes or creates a correlation id', async () => {
    const { app } = await setup()
    const given = await app.request('/healthz', { headers: { 'X-Correlation-Id': 'abc-123' } })
    expect(given.headers.get('X-Correlation-Id')).toBe('abc-123')
    const made = await app.request('/healthz')
    expect(made.headers.get('X-Correlation-Id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('publishes flavours through the admin API', async () => {
    const { request } = await setup({ flavours: [] })
    const wire = flavourToWire(aServiceFlavour({ id: 'svc-1' })) as Record<string, unknown>
    delete wire.owner
    const published = await request('POST', '/admin/v1/flavours', wire)
    expect(published.status).toBe(201)
    expect(published.body.owner).toEqual({ ID: 'provider-1', IP: '127.0.0.1:30001', domain: 'provider.local', additionalInformation: { liqoID: 'liqo-provider' } })
    expect((await request('GET', '/api/v2/flavors/service?filter[tags][match]=mysql')).body).toHaveLength(1)
  })

  async function setup(input: { flavours?: Flavour[] } = {}) {
    const { app, clock, table, participant } = await createTestParticipant()
    for (const flavour of input.flavours ?? [aK8SliceFlavour()]) {
      const res = await app.request('/admin/v1/flavours', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(flavourToWire(flavour)) })
      expect(res.status).toBe(201)
    }
    const request = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }) })
      const text = await res.text()
      return { status: res.status, text, body: text ? JSON.parse(text) : undefined }
    }
    const scan = async () => ((await table.client.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true }))).Items ?? []).filter((item) => item.kind !== 'audit')
    return { app, request, clock, scan, participant }
  }
})
