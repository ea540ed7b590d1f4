import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { rateProvider, recordChainOutcome } from '../../../core/providers/provider-stats.ts'
import type { AppEnv } from '../../../functions/http/env.ts'
import { onError } from '../../../functions/http/error-handler.ts'
import { providerStatsRoutes } from '../../../functions/http/provider-stats-routes.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { InMemoryProviderStatsRepository } from '../../support/in-memory-provider-stats.ts'

describe('provider stats routes', () => {
  it('lists the providers with their Ratings & Metrics', async () => {
    const { request, deps } = setup()
    await recordChainOutcome(deps, { providerId: 'provider-a', success: true, answerMs: 800 })
    await rateProvider(deps, { providerId: 'provider-a', intentId: 'intent-1', score: 5 })
    const res = await request('GET', '/providers/v1')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ providers: [expect.objectContaining({ providerId: 'provider-a', chains: 1, successRate: 1, meanAnswerMs: 800, ratings: 1, meanRating: 5 })] })
  })

  it('shows one provider, or 404 PROVIDER_NOT_FOUND', async () => {
    const { request, deps } = setup()
    await recordChainOutcome(deps, { providerId: 'provider-a', success: false, answerMs: 800 })
    expect((await request('GET', '/providers/v1/provider-a')).body).toMatchObject({ providerId: 'provider-a', successRate: 0 })
    const missing = await request('GET', '/providers/v1/provider-b')
    expect([missing.status, missing.body.code]).toEqual([404, 'PROVIDER_NOT_FOUND'])
  })

  it('refuses a malformed id with 400', async () => {
    const { request } = setup()
    const res = await request('GET', '/providers/v1/a%20b')
    expect([res.status, res.body.code]).toEqual([400, 'INVALID_PATH_PARAMETER'])
  })

  it.each(['/providers/v1', '/providers/v1/provider-a'])('answers 405 with Allow: GET to a POST on %s', async (path) => {
    const { request } = setup()
    const res = await request('POST', path)
    expect([res.status, res.body.code, res.headers.get('Allow')]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET'])
  })

  function setup() {
    const deps = { providerStats: new InMemoryProviderStatsRepository(), clock: new FakeClock() }
    const app = new Hono<AppEnv>().route('/', providerStatsRoutes(deps))
    app.onError(onError)
    const request = async (method: string, path: string) => {
      const res = await app.request(path, { method })
      return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> & { code?: string } }
    }
    return { request, deps }
  }
})
