import { describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { DynamoRateLimiter, rateKey } from '../../../adapters/dynamo/dynamo-rate-limiter.ts'
import { holdSlotKey } from '../../../adapters/dynamo/dynamo-reservation-repository.ts'
import type { AppEnv } from '../../../functions/http/env.ts'
import { correlation } from '../../../functions/http/middleware.ts'
import { rateLimit } from '../../../functions/http/rate-limit.ts'
import { silentLogger } from '../../../adapters/logging/json-logger.ts'
import { aK8SliceFlavour } from '../../support/factories.ts'
import { createTestParticipant } from '../../support/test-participant.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { FakeClock } from '../../support/fake-clock.ts'

const FLAVOURS = 20
const flavourId = (n: number) => `provider.local-k8slice-${String(n).padStart(4, '0')}`

const reserveBody = (n: number, buyer = 'greedy-node') => ({
  flavorID: flavourId(n),
  buyerID: { ID: buyer, IP: '127.0.0.1:30000', domain: 'consumer.local', additionalInformation: { liqoID: `liqo-${buyer}` } },
})

describe('abuse limits on DynamoDB', () => {
  describe('the per-buyer hold cap', () => {
    it('grants exactly 5 of 20 parallel whole-flavour reserves by one buyer; the others get 429 with Retry-After', async () => {
      const { call, slots, scan } = await setup()
      const answers = await Promise.all(Array.from({ length: FLAVOURS }, (_, n) => call('POST', '/api/v2/reservations', reserveBody(n))))
      expect(answers.filter((a) => a.status === 200)).toHaveLength(5)
      const refused = answers.filter((a) => a.status === 429)
      expect(refused).toHaveLength(15)
      expect(refused.every((a) => a.body.code === 'TOO_MANY_HOLDS' && a.retryAfter === '3600')).toBe(true)
      expect(await slots('greedy-node')).toHaveLength(5)
      expect((await scan()).filter((i) => i.kind === 'transaction')).toHaveLength(5)
    })

    it('frees a slot on cancel and on purchase, and never counts other buyers', async () => {
      const { call, clock } = await setup()
      const granted: string[] = []
      for (let n = 0; n < 5; n++) granted.push((await call('POST', '/api/v2/reservations', reserveBody(n))).body.transactionID)
      expect((await call('POST', '/api/v2/reservations', reserveBody(5))).status).toBe(429)
      expect((await call('POST', '/api/v2/reservations', reserveBody(5, 'other-node'))).status).toBe(200)

      const cancelled = await call('DELETE', `/api/v2/transactions/${granted[0]}`)
      expect(cancelled).toMatchObject({ status: 200, body: { status: 'released' } })
      expect((await call('POST', '/api/v2/reservations', reserveBody(6))).status).toBe(200)

      expect((await call('POST', `/api/v2/transactions/${granted[1]}/purchase`, {})).status).toBe(200)
      expect((await call('POST', '/api/v2/reservations', reserveBody(7))).status).toBe(200)
      expect((await call('POST', '/api/v2/reservations', reserveBody(8))).status).toBe(429)

      clock.advance(3_600_000)
      expect((await call('POST', '/api/v2/reservations', reserveBody(8))).status).toBe(200)
    })

    it('lists a whole-flavour hold as unavailable until it is cancelled', async () => {
      const { call } = await setup()
      const held = await call('POST', '/api/v2/reservations', reserveBody(0))
      const listed = async () => ((await call('GET', '/api/v2/flavors/k8slice')).body as { flavorID: string }[]).map((f) => f.flavorID)
      expect(await listed()).not.toContain(flavourId(0))
      expect(await listed()).toHaveLength(FLAVOURS - 1)
      await call('DELETE', `/api/v2/transactions/${held.body.transactionID}`)
      expect(await listed()).toContain(flavourId(0))
    })

    it('refuses the takeover on DynamoDB too', async () => {
      const { call, scan } = await setup()
      const sized = (cpu: string) => ({ ...reserveBody(0, 'victim-node'), configuration: { type: 'k8slice', data: { cpu, memory: '4Gi', pods: '10' } } })
      const victim = await call('POST', '/api/v2/reservations', sized('1'))
      const takeover = await call('POST', '/api/v2/reservations', sized('2'))
      expect(takeover).toMatchObject({ status: 409, body: { code: 'RESERVATION_EXISTS', details: { transactionId: victim.body.transactionID } } })
      const [tx] = (await scan()).filter((i) => i.kind === 'transaction')
      expect((tx?.hold as { cpu: number }).cpu).toBe(1e9)
    })
  })

  describe('per-caller token buckets', () => {
    it('allows exactly the burst to 20 parallel requests of one caller, then refills with time', async () => {
      const { request, clock, table } = await limiterSetup({ perMinute: 60, burst: 5 })
      const answers = await Promise.all(Array.from({ length: 20 }, () => request('peer-a')))
      expect(answers.filter((a) => a.status === 204)).toHaveLength(5)
      const refused = answers.filter((a) => a.status === 429)
      expect(refused).toHaveLength(15)
      expect(refused.every((a) => a.headers.get('Retry-After') === '1')).toBe(true)
      expect((await request('peer-b')).status).toBe(204)
      clock.advance(2000)
      expect((await Promise.all([request('peer-a'), request('peer-a'), request('peer-a')])).map((a) => a.status).sort()).toEqual([204, 204, 429])
      const { Items } = await table.client.send(new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': rateKey('id:peer-a#rear').pk } }))
      expect(Items?.[0]).toMatchObject({ tat: expect.any(Number), expireAt: expect.any(Number) })
    })

    it('says how long to wait when the bucket is far ahead', async () => {
      const { request } = await limiterSetup({ perMinute: 1, burst: 1 })
      expect((await request('peer-a')).status).toBe(204)
      const refused = await request('peer-a')
      expect(refused.status).toBe(429)
      expect(refused.headers.get('Retry-After')).toBe('60')
      expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' })
    })
  })

  async function setup() {
    const { app, table, clock, participant } = await createTestParticipant()
    for (let n = 0; n < FLAVOURS; n++) {
      await publishFlavour(participant.app.provider.flavours, aK8SliceFlavour({ id: flavourId(n), cpu: '2', memory: '4Gi', pods: '10' }))
    }
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }) })
      const text = await res.text()
      return { status: res.status, retryAfter: res.headers.get('Retry-After'), body: text ? JSON.parse(text) : undefined }
    }
    const scan = async () => (await table.client.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true }))).Items ?? []
    const slots = async (buyer: string) =>
      (
        await table.client.send(
          new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': holdSlotKey(buyer, 0).pk }, ConsistentRead: true }),
        )
      ).Items ?? []
    return { call, scan, slots, clock }
  }

  async function limiterSetup(limit: { perMinute: number; burst: number }) {
    const table = await createTestTable('rate')
    const clock = new FakeClock()
    const app = new Hono<AppEnv>()
    app.use('*', correlation(silentLogger, 'p'))
    app.use('*', async (c, next) => {
      c.set('caller', { kind: 'peer', id: c.req.header('X-Test-Peer') ?? 'nobody', keyId: 'k' })
      await next()
    })
    app.use('/api/*', rateLimit(new DynamoRateLimiter(table, clock), { group: 'rear', limit }))
    app.get('/api/v2/flavors', (c) => c.body(null, 204))
    const request = (peer: string) => app.request('/api/v2/flavors', { headers: { 'X-Test-Peer': peer } })
    return { request, clock, table }
  }
})
