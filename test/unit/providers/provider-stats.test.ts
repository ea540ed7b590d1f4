import { describe, expect, it } from 'vitest'
import { getProviderStats, listProviderStats, rateProvider, recordChainOutcome, recordPeeringTime } from '../../../core/providers/provider-stats.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { InMemoryProviderStatsRepository } from '../../support/in-memory-provider-stats.ts'

describe('provider stats', () => {
  describe('recordChainOutcome', () => {
    it('counts chains and successes and keeps the mean answer time', async () => {
      const { deps } = setup()
      await recordChainOutcome(deps, { providerId: 'provider-a', success: true, answerMs: 1000 })
      await recordChainOutcome(deps, { providerId: 'provider-a', success: false, answerMs: 3000.4 })
      expect(await getProviderStats(deps, 'provider-a')).toMatchObject({ chains: 2, successes: 1, successRate: 0.5, meanAnswerMs: 2000 })
    })

    it.each([-1, Number.NaN, 86_400_001])('refuses an answer time of %s ms', async (answerMs) => {
      const { deps } = setup()
      await expect(recordChainOutcome(deps, { providerId: 'provider-a', success: true, answerMs })).rejects.toMatchObject({ code: 'INVALID_MEASUREMENT' })
      expect(await listProviderStats(deps)).toEqual([])
    })

    it('refuses a malformed provider id', async () => {
      const { deps } = setup()
      await expect(recordChainOutcome(deps, { providerId: 'a/b', success: true, answerMs: 1 })).rejects.toMatchObject({ code: 'INVALID_PROVIDER_ID' })
    })
  })

  describe('recordPeeringTime', () => {
    it('keeps the mean peering time', async () => {
      const { deps } = setup()
      await recordPeeringTime(deps, { providerId: 'provider-a', peeringMs: 10_000 })
      await recordPeeringTime(deps, { providerId: 'provider-a', peeringMs: 20_000 })
      expect(await getProviderStats(deps, 'provider-a')).toMatchObject({ chains: 0, successRate: null, peerings: 2, meanPeeringMs: 15_000 })
    })
  })

  describe('rateProvider', () => {
    it('averages ratings over intents, a second rating of one intent replacing its first', async () => {
      const { deps, repository } = setup()
      await rateProvider(deps, { providerId: 'provider-a', intentId: 'intent-1', score: 2, comment: 'slow' })
      await rateProvider(deps, { providerId: 'provider-a', intentId: 'intent-2', score: 4 })
      await rateProvider(deps, { providerId: 'provider-a', intentId: 'intent-1', score: 5, comment: 'fine after all' })
      expect(await getProviderStats(deps, 'provider-a')).toMatchObject({ ratings: 2, meanRating: 4.5 })
      expect(await repository.getRating('provider-a', 'intent-1')).toMatchObject({ score: 5, comment: 'fine after all' })
    })

    it.each([0, 6, 3.5, Number.NaN])('refuses a score of %s', async (score) => {
      const { deps } = setup()
      await expect(rateProvider(deps, { providerId: 'provider-a', intentId: 'intent-1', score })).rejects.toMatchObject({ code: 'INVALID_RATING' })
      expect(await listProviderStats(deps)).toEqual([])
    })

    it('takes a comment of 1000 characters and refuses a longer one', async () => {
      const { deps } = setup()
      await rateProvider(deps, { providerId: 'provider-a', intentId: 'intent-1', score: 3, comment: 'x'.repeat(1000) })
      await expect(rateProvider(deps, { providerId: 'provider-a', intentId: 'intent-2', score: 3, comment: 'x'.repeat(1001) })).rejects.toMatchObject({
        code: 'INVALID_RATING',
      })
      expect(await getProviderStats(deps, 'provider-a')).toMatchObject({ ratings: 1, meanRating: 3 })
    })
  })

  describe('listProviderStats and getProviderStats', () => {
    it('lists every provider by id with its rates, means and last update', async () => {
      const { deps, clock } = setup()
      await recordChainOutcome(deps, { providerId: 'provider-b', success: true, answerMs: 500 })
      clock.advance(60_000)
      await rateProvider(deps, { providerId: 'provider-a', intentId: 'intent-1', score: 4 })
      expect(await listProviderStats(deps)).toEqual([
        {
          providerId: 'provider-a',
          chains: 0,
          successes: 0,
          successRate: null,
          meanAnswerMs: null,
          peerings: 0,
          meanPeeringMs: null,
          ratings: 1,
          meanRating: 4,
          updatedAt: '2026-01-01T00:01:00.000Z',
        },
        {
          providerId: 'provider-b',
          chains: 1,
          successes: 1,
          successRate: 1,
          meanAnswerMs: 500,
          peerings: 0,
          meanPeeringMs: null,
          ratings: 0,
          meanRating: null,
          updatedAt: '2026-01-01T00:00:00.000Z',
        },
      ])
    })

    it('answers PROVIDER_NOT_FOUND for a provider without stats', async () => {
      const { deps } = setup()
      await expect(getProviderStats(deps, 'provider-z')).rejects.toMatchObject({ code: 'PROVIDER_NOT_FOUND' })
    })
  })

  function setup() {
    const clock = new FakeClock()
    const repository = new InMemoryProviderStatsRepository()
    return { clock, repository, deps: { providerStats: repository, clock } }
  }
})
