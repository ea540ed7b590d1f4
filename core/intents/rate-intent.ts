import { ConflictError, NotFoundError } from '../shared/errors.ts'
import { retryOnContention } from '../shared/retry.ts'
import type { Intent } from './model.ts'
import type { OrchestratorDeps } from './orchestrate.ts'

/**
 * Ratings & Metrics after use: the platform rates the provider an intent bought from (1–5, with a
 * comment). Only an intent that bought something may be rated (409 otherwise); a second rating
 * replaces the first, on the intent and in the provider's mean.
 */
export async function rateIntent(
  deps: Pick<OrchestratorDeps, 'intents' | 'providerStats' | 'clock' | 'logger'>,
  intentId: string,
  rating: { score: number; comment?: string },
): Promise<{ intent: Intent; providerId: string }> {
  const at = deps.clock.now()
  const saved = await retryOnContention(deps.clock, async () => {
    const intent = await deps.intents.get(intentId)
    if (!intent) throw new NotFoundError('Intent', intentId, { code: 'INTENT_NOT_FOUND' })
    const bought = intent.attempts.find((a) => a.outcome === 'purchased')
    if (!bought || !intent.contractId) throw new ConflictError(`Intent ${intentId} bought nothing (phase ${intent.phase}); only a purchase can be rated`, { code: 'INTENT_NOT_BOUGHT' })
    const updated: Intent = { ...intent, rating: { score: rating.score, ...(rating.comment ? { comment: rating.comment } : {}), at }, version: intent.version + 1 }
    await deps.intents.save(updated, intent.version)
    return { intent: updated, providerId: bought.providerId }
  })
  await deps.providerStats.recordRating(saved.providerId, intentId, rating.score, rating.comment ?? '', at)
  deps.logger.info('INTENT_RATED', { intentId, providerId: saved.providerId, score: rating.score })
  return saved
}
