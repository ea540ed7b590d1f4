/**
 * What this node measured and was told of one provider (Ratings & Metrics). Counters only grow;
 * means are exact over every recorded value. Times in milliseconds.
 */
export interface ProviderStats {
  providerId: string
  /** Chains that ended (purchased or failed) with this provider. */
  chains: number
  /** Of those, the purchased ones. */
  successes: number
  /** Mean time from a chain's start to its purchase or failure; absent before the first chain. */
  meanAnswerMs?: number
  /** Peerings measured (purchase → the consumer's peering active). */
  peerings?: number
  /** Mean time from purchase to active peering; absent before the first peering. */
  meanPeeringMs?: number
  /** Ratings counted: one per intent, the latest. */
  ratings: number
  /** Mean of those ratings, 1..5; absent before the first. */
  meanRating?: number
  updatedAt: Date
}

/** One intent's rating of the provider it bought from (1..5, comment ≤ 1000 characters). */
export interface ProviderRating {
  providerId: string
  intentId: string
  score: number
  comment: string
  at: Date
}

/** Per-provider counters and ratings, updated atomically (concurrent writers never lose a count). */
export interface ProviderStatsRepository {
  get(providerId: string): Promise<ProviderStats | undefined>
  /** Every provider with stats, by provider id. */
  list(): Promise<ProviderStats[]>
  recordChain(providerId: string, outcome: { success: boolean; answerMs: number; at: Date }): Promise<void>
  recordPeering(providerId: string, peeringMs: number, at: Date): Promise<void>
  /** Records the intent's rating; a later one for the same intent replaces it, in the mean too. */
  recordRating(providerId: string, intentId: string, score: number, comment: string, at: Date): Promise<void>
  /** The intent's current rating of the provider, if any. */
  getRating(providerId: string, intentId: string): Promise<ProviderRating | undefined>
}
