import { describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import type { RateLimiter } from '../../../core/shared/rate-limit.ts'
import { InMemoryRateLimiter, takeToken } from '../../../core/shared/rate-limit.ts'
import type { AppEnv } from '../../../functions/http/env.ts'
import { onError } from '../../../functions/http/error-handler.ts'
import { correlation } from '../../../functions/http/middleware.ts'
import { callerKey, mountRateLimits, rateLimit } from '../../../functions/http/rate-limit.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'

type Caller = NonNullable<AppEnv['Variables']['caller']>

describe('rate limits', () => {
  describe(takeToken.name, () => {
    it('allows a full burst at once, then one token per interval', () => {
      const limit = { perMinute: 60, burst: 3 }
      let tat: number | undefined
      for (let i = 0; i < 3; i++) {
        const decision = takeToken(tat, limit, 0)
        expect(decision.allowed).toBe(true)
        if (decision.allowed) tat = decision.tat
      }
      expect(takeToken(tat, limit, 0)).toEqual({ allowed: false, retryAfterSeconds: 1 })
      expect(takeToken(tat, limit, 999).allowed).toBe(false)
      expect(takeToken(tat, limit, 1000).allowed).toBe(true)
    })

    it('says how long until the next token', () => {
      expect(takeToken(10 * 60_000, { perMinute: 1 }, 0)).toEqual({ allowed: false, retryAfterSeconds: 600 })
    })
  })

  it('answers 429 RATE_LIMITED with Retry-After once a caller spent its bucket, and lets it through again later', async () => {
    const { request, clock } = setup({ perMinute: 60, burst: 2 })
    expect((await request({ caller: peer('a') })).status).toBe(200)
    expect((await request({ caller: peer('a') })).status).toBe(200)
    const refused = await request({ caller: peer('a') })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('Retry-After')).toBe('1')
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED', details: { group: 'rear' } })
    clock.advance(1000)
    expect((await request({ caller: peer('a') })).status).toBe(200)
  })

  it('keeps one bucket per caller id, else per source address', async () => {
    const { request } = setup({ perMinute: 60, burst: 1 })
    expect((await request({ caller: peer('a') })).status).toBe(200)
    expect((await request({ caller: peer('a') })).status).toBe(429)
    expect((await request({ caller: peer('b') })).status).toBe(200)
    expect((await request({ forwardedFor: '203.0.113.7, 10.0.0.1' })).status).toBe(200)
    expect((await request({ forwardedFor: '203.0.113.7' })).status).toBe(429)
    expect((await request({ forwardedFor: '203.0.113.8' })).status).toBe(200)
  })

  it('keys an unsigned legacy peer by its id and a loopback caller by its address', async () => {
    const keyOf = async (caller: Caller | undefined, env: object = {}) => {
      const app = new Hono<AppEnv>()
      let key = ''
      app.get('/', (c) => {
        if (caller) c.set('caller', caller)
        key = callerKey(c)
        return c.body(null, 204)
      })
      await app.request('/', { headers: { 'X-Forwarded-For': '198.51.100.1' } }, env)
      return key
    }
    expect(await keyOf({ kind: 'unsigned', reason: 'legacy-peer', id: 'go-node' })).toBe('id:go-node')
    expect(await keyOf({ kind: 'unsigned', reason: 'loopback' })).toBe('ip:198.51.100.1')
    expect(await keyOf(undefined, { incoming: { socket: { remoteAddress: '127.0.0.1' } } })).toBe('ip:127.0.0.1')
    expect(await keyOf(undefined, { requestContext: { http: { sourceIp: '192.0.2.9' } } })).toBe('ip:192.0.2.9')
  })

  it('mounts a tighter reservations bucket on reserve, purchase and cancel, on top of the REAR API one', async () => {
    const clock = new FakeClock()
    const app = new Hono<AppEnv>()
    app.use('*', correlation(new RecordingLogger(), 'p'))
    mountRateLimits(app, new InMemoryRateLimiter(clock), { rearPerMinute: 5, reservationsPerMinute: 2 })
    app.all('*', (c) => c.body(null, 204))
    const call = (method: string, path: string) => app.request(path, { method, headers: { 'X-Forwarded-For': '203.0.113.7' } })
    expect((await call('POST', '/api/v2/reservations')).status).toBe(204)
    expect((await call('POST', '/api/v2/transactions/t/purchase')).status).toBe(204)
    expect((await call('DELETE', '/api/v2/transactions/t')).status).toBe(429)
    expect((await call('GET', '/api/v2/flavors')).status).toBe(204)
    expect((await call('POST', '/rear/v1/chain/messages')).status).toBe(204)
    expect((await call('GET', '/api/v2/flavors')).status).toBe(429)
    expect((await call('GET', '/healthz')).status).toBe(204)
  })

  it('lets requests through, logged, when the limiter fails', async () => {
    const logger = new RecordingLogger()
    const broken: RateLimiter = { take: () => Promise.reject(new Error('table unavailable')) }
    const { request } = setup({ perMinute: 1 }, { limiter: broken, logger })
    expect((await request({ caller: peer('a') })).status).toBe(200)
    expect(logger.named('RATE_LIMITER_FAILED')).toHaveLength(1)
  })

  function peer(id: string): Caller {
    return { kind: 'peer', id, keyId: `${id}#k1` }
  }

  function setup(limit: { perMinute: number; burst?: number }, input: { limiter?: RateLimiter; logger?: RecordingLogger } = {}) {
    const clock = new FakeClock()
    const limiter = input.limiter ?? new InMemoryRateLimiter(clock)
    const app = new Hono<AppEnv>()
    app.use('*', correlation(input.logger ?? new RecordingLogger(), 'p'))
    app.onError(onError)
    app.use('*', async (c, next) => {
      const caller = c.req.header('X-Test-Caller')
      if (caller) c.set('caller', JSON.parse(caller) as Caller)
      await next()
    })
    app.use('/api/*', rateLimit(limiter, { group: 'rear', limit }))
    app.get('/api/v2/flavors', (c) => c.json([]))
    const request = (who: { caller?: Caller; forwardedFor?: string }) =>
      app.request('/api/v2/flavors', {
        headers: { ...(who.caller ? { 'X-Test-Caller': JSON.stringify(who.caller) } : {}), ...(who.forwardedFor ? { 'X-Forwarded-For': who.forwardedFor } : {}) },
      })
    return { request, clock }
  }
})
