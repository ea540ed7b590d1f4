import { NotFoundError, ValidationError } from '../shared/errors.ts'
import { wireId } from '../wire/wire-object.ts'
import type { Clock } from '../shared/ports.ts'
import type { ProviderStats, ProviderStatsRepository } from './ports.ts'

export interface ProviderStatsDeps {
  providerStats: ProviderStatsRepository
  clock: Clock
}

/** Longest rating comment, in characters. */
export const MAX_RATING_COMMENT = 1000
/** Longest time recorded, in milliseconds (a day): anything longer is a clock fault, not a measurement. */
export const MAX_MEASURED_MS = 86_400_000

/** A provider's stats as `GET /providers/v1` shows them; `successRate` is the raw share (null before any chain). */
export interface ProviderStatsView {
  providerId: string
  chains: number
  successes: number
  successRate: number | null
  meanAnswerMs: number | null
  peerings: number
  meanPeeringMs: number | null
  ratings: number
  meanRating: number | null
  updatedAt: string
}

export const providerStatsView = (stats: ProviderStats): ProviderStatsView => ({
  providerId: stats.providerId,
  chains: stats.chains,
  successes: stats.successes,
  successRate: stats.chains > 0 ? round(stats.successes / stats.chains, 4) : null,
  meanAnswerMs: stats.meanAnswerMs === undefined ? null : round(stats.meanAnswerMs, 1),
  peerings: stats.peerings ?? 0,
  meanPeeringMs: stats.meanPeeringMs === undefined ? null : round(stats.meanPeeringMs, 1),
  ratings: stats.ratings,
  meanRating: stats.meanRating === undefined ? null : round(stats.meanRating, 2),
  updatedAt: stats.updatedAt.toISOString(),
})

/**
 * Counts a chain that ended with a provider: `answerMs` is the time from the operation's start to its
 * purchase (success) or failure. Feeds the successRate and latency terms of the ranking.
 */
export async function recordChainOutcome(deps: ProviderStatsDeps, input: { providerId: string; success: boolean; answerMs: number }): Promise<void> {
  await deps.providerStats.recordChain(providerIdOf(input.providerId), {
    success: input.success,
    answerMs: milliseconds(input.answerMs, 'answerMs'),
    at: deps.clock.now(),
  })
}

/** Counts a peering: `peeringMs` from the purchase to the consumer's peering active. Feeds the latency term. */
export async function recordPeeringTime(deps: ProviderStatsDeps, input: { providerId: string; peeringMs: number }): Promise<void> {
  await deps.providerStats.recordPeering(providerIdOf(input.providerId), milliseconds(input.peeringMs, 'peeringMs'), deps.clock.now())
}

/**
 * Records an intent's rating of its provider, a whole 1..5 with a comment of at most 1000 characters;
 * a second rating for the same intent replaces the first (the mean counts each intent once).
 */
export async function rateProvider(deps: ProviderStatsDeps, input: { providerId: string; intentId: string; score: number; comment?: string }): Promise<void> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
    throw new ValidationError(`A rating is a whole number from 1 to 5, not ${input.score}`, { code: 'INVALID_RATING' })
  }
  const comment = input.comment ?? ''
  if (typeof comment !== 'string' || comment.length > MAX_RATING_COMMENT) {
    throw new ValidationError(`A rating comment has at most ${MAX_RATING_COMMENT} characters`, { code: 'INVALID_RATING' })
  }
  if (!wireId.safeParse(input.intentId).success) throw new ValidationError(`Invalid intent id ${JSON.stringify(input.intentId)}`, { code: 'INVALID_RATING' })
  await deps.providerStats.recordRating(providerIdOf(input.providerId), input.intentId, input.score, comment, deps.clock.now())
}

/** Every provider this node has stats for, by provider id. */
export async function listProviderStats(deps: Pick<ProviderStatsDeps, 'providerStats'>): Promise<ProviderStatsView[]> {
  const all = await deps.providerStats.list()
  return all.sort((a, b) => (a.providerId < b.providerId ? -1 : a.providerId > b.providerId ? 1 : 0)).map(providerStatsView)
}

/** One provider's stats; 404 PROVIDER_NOT_FOUND when this node has none. */
export async function getProviderStats(deps: Pick<ProviderStatsDeps, 'providerStats'>, providerId: string): Promise<ProviderStatsView> {
  const stats = await deps.providerStats.get(providerId)
  if (!stats) throw new NotFoundError('Provider', providerId)
  return providerStatsView(stats)
}

/** The stats the ranking reads, by provider id. */
export async function providerStatsMap(deps: Pick<ProviderStatsDeps, 'providerStats'>): Promise<Map<string, ProviderStats>> {
  return new Map((await deps.providerStats.list()).map((s) => [s.providerId, s]))
}

function providerIdOf(id: string): string {
  if (!wireId.safeParse(id).success) throw new ValidationError(`Invalid provider id ${JSON.stringify(id)}`, { code: 'INVALID_PROVIDER_ID' })
  return id
}

function milliseconds(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0 || value > MAX_MEASURED_MS) {
    throw new ValidationError(`${what} must be between 0 and ${MAX_MEASURED_MS} ms, not ${value}`, { code: 'INVALID_MEASUREMENT' })
  }
  return Math.round(value)
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits
