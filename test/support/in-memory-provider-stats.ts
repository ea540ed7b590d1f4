import type { ProviderRating, ProviderStats, ProviderStatsRepository } from '../../core/providers/ports.ts'

interface Counters {
  chains: number
  successes: number
  answerMsTotal: number
  peerings: number
  peeringMsTotal: number
  ratings: number
  ratingSum: number
  updatedAt: Date
}

/** In-memory fake of the provider stats store, with the same sums and replace-per-intent ratings as DynamoDB's. */
export class InMemoryProviderStatsRepository implements ProviderStatsRepository {
  private readonly counters = new Map<string, Counters>()
  private readonly ratings = new Map<string, ProviderRating>()

  async get(providerId: string): Promise<ProviderStats | undefined> {
    const c = this.counters.get(providerId)
    return c ? statsOf(providerId, c) : undefined
  }

  async list(): Promise<ProviderStats[]> {
    return [...this.counters.keys()].sort().map((id) => statsOf(id, this.counters.get(id)!))
  }

  async recordChain(providerId: string, outcome: { success: boolean; answerMs: number; at: Date }): Promise<void> {
    const c = this.of(providerId, outcome.at)
    c.chains++
    if (outcome.success) c.successes++
    c.answerMsTotal += outcome.answerMs
  }

  async recordPeering(providerId: string, peeringMs: number, at: Date): Promise<void> {
    const c = this.of(providerId, at)
    c.peerings++
    c.peeringMsTotal += peeringMs
  }

  async recordRating(providerId: string, intentId: string, score: number, comment: string, at: Date): Promise<void> {
    const key = `${providerId}#${intentId}`
    const earlier = this.ratings.get(key)
    const c = this.of(providerId, at)
    if (!earlier) c.ratings++
    c.ratingSum += score - (earlier?.score ?? 0)
    this.ratings.set(key, { providerId, intentId, score, comment, at })
  }

  async getRating(providerId: string, intentId: string): Promise<ProviderRating | undefined> {
    return this.ratings.get(`${providerId}#${intentId}`)
  }

  private of(providerId: string, at: Date): Counters {
    let c = this.counters.get(providerId)
    if (!c) {
      c = { chains: 0, successes: 0, answerMsTotal: 0, peerings: 0, peeringMsTotal: 0, ratings: 0, ratingSum: 0, updatedAt: at }
      this.counters.set(providerId, c)
    }
    c.updatedAt = at
    return c
  }
}

function statsOf(providerId: string, c: Counters): ProviderStats {
  return {
    providerId,
    chains: c.chains,
    successes: c.successes,
    ...(c.chains > 0 ? { meanAnswerMs: c.answerMsTotal / c.chains } : {}),
    ...(c.peerings > 0 ? { peerings: c.peerings, meanPeeringMs: c.peeringMsTotal / c.peerings } : {}),
    ratings: c.ratings,
    ...(c.ratings > 0 ? { meanRating: c.ratingSum / c.ratings } : {}),
    updatedAt: c.updatedAt,
  }
}
