import { describe, expect, it } from 'vitest'
import { DynamoProviderStatsRepository } from '../../../adapters/dynamo/dynamo-provider-stats-repository.ts'
import type { ProviderStatsRepository } from '../../../core/providers/ports.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { InMemoryProviderStatsRepository } from '../../support/in-memory-provider-stats.ts'

const at = (time: string) => new Date(`2026-01-01T${time}:00Z`)

const stores: { name: string; create: () => Promise<ProviderStatsRepository> }[] = [
  { name: 'memory', create: async () => new InMemoryProviderStatsRepository() },
  { name: 'DynamoDB', create: async () => new DynamoProviderStatsRepository(await createTestTable('provider-stats')) },
]

describe.each(stores)('provider stats on $name', ({ create }) => {
  it('knows nothing of a provider before its first record', async () => {
    const { stats } = await setup()
    expect(await stats.get('provider-a')).toBeUndefined()
    expect(await stats.list()).toEqual([])
  })

  it('counts chains, successes and the mean answer time', async () => {
    const { stats } = await setup()
    await stats.recordChain('provider-a', { success: true, answerMs: 1000, at: at('10:00') })
    await stats.recordChain('provider-a', { success: false, answerMs: 2000, at: at('10:01') })
    expect(await stats.get('provider-a')).toEqual({ providerId: 'provider-a', chains: 2, successes: 1, meanAnswerMs: 1500, ratings: 0, updatedAt: at('10:01') })
  })

  it('counts peerings and the mean peering time', async () => {
    const { stats } = await setup()
    await stats.recordPeering('provider-a', 10_000, at('10:00'))
    await stats.recordPeering('provider-a', 30_000, at('10:02'))
    expect(await stats.get('provider-a')).toEqual({
      providerId: 'provider-a',
      chains: 0,
      successes: 0,
      peerings: 2,
      meanPeeringMs: 20_000,
      ratings: 0,
      updatedAt: at('10:02'),
    })
  })

  it('keeps one rating per intent, a second one replacing the first in the mean', async () => {
    const { stats } = await setup()
    await stats.recordRating('provider-a', 'intent-1', 1, 'broken', at('10:00'))
    await stats.recordRating('provider-a', 'intent-2', 4, '', at('10:01'))
    await stats.recordRating('provider-a', 'intent-1', 5, 'fixed', at('10:02'))
    expect(await stats.get('provider-a')).toMatchObject({ ratings: 2, meanRating: 4.5, updatedAt: at('10:02') })
    expect(await stats.getRating('provider-a', 'intent-1')).toEqual({ providerId: 'provider-a', intentId: 'intent-1', score: 5, comment: 'fixed', at: at('10:02') })
    expect(await stats.getRating('provider-a', 'intent-3')).toBeUndefined()
  })

  it('loses no count to concurrent records', async () => {
    const { stats } = await setup()
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => stats.recordChain('provider-a', { success: i % 2 === 0, answerMs: 100 * (i + 1), at: at('10:00') })),
      ...Array.from({ length: 5 }, (_, i) => stats.recordRating('provider-a', `intent-${i}`, i + 1, '', at('10:00'))),
      stats.recordPeering('provider-a', 5000, at('10:00')),
    ])
    expect(await stats.get('provider-a')).toMatchObject({ chains: 10, successes: 5, meanAnswerMs: 550, peerings: 1, meanPeeringMs: 5000, ratings: 5, meanRating: 3 })
  })

  it('keeps the aggregate exact when one intent is rated twice at once', async () => {
    const { stats } = await setup()
    await Promise.all([stats.recordRating('provider-a', 'intent-1', 2, 'a', at('10:00')), stats.recordRating('provider-a', 'intent-1', 4, 'b', at('10:00'))])
    const rating = await stats.getRating('provider-a', 'intent-1')
    expect(await stats.get('provider-a')).toMatchObject({ ratings: 1, meanRating: rating?.score })
  })

  it('lists every provider by id', async () => {
    const { stats } = await setup()
    await stats.recordChain('provider-b', { success: true, answerMs: 10, at: at('10:00') })
    await stats.recordRating('provider-a', 'intent-1', 3, '', at('10:00'))
    expect((await stats.list()).map((s) => [s.providerId, s.chains, s.ratings])).toEqual([
      ['provider-a', 0, 1],
      ['provider-b', 1, 0],
    ])
  })

  async function setup() {
    return { stats: await create() }
  }
})
