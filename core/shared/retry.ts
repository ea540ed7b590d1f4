import { ContentionError } from './errors.ts'
import type { Clock } from './ports.ts'

export interface RetryPolicy {
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
}

const defaultContentionRetry: RetryPolicy = { attempts: 10, baseDelayMs: 10, maxDelayMs: 400 }

/** Purchases of one pool serialise on its version: allow one round per plausible concurrent buyer. */
export const hotItemContentionRetry: RetryPolicy = { attempts: 40, baseDelayMs: 5, maxDelayMs: 250 }

/**
 * Runs `operation`, retrying only on {@link ContentionError} with full-jitter exponential backoff.
 * Real DynamoDB cancels concurrent transactions on one item with `TransactionConflict`, which the SDK
 * does not retry; every other error is final and rethrown at once.
 */
export async function retryOnContention<T>(
  clock: Clock,
  operation: () => Promise<T>,
  policy: RetryPolicy = defaultContentionRetry,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      if (!(error instanceof ContentionError) || attempt >= policy.attempts) throw error
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
      await clock.sleep(Math.floor(random() * cap))
    }
  }
}
