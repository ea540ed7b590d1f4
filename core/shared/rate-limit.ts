import type { Clock } from './ports.ts'

/** A token bucket: `perMinute` tokens a minute, at most `burst` at once (`perMinute` when absent). */
export interface RateLimit {
  perMinute: number
  burst?: number
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

/** Per-caller token buckets; `take` spends one token of `key`'s bucket, or says when the next one comes. */
export interface RateLimiter {
  take(key: string, limit: RateLimit): Promise<RateDecision>
}

/**
 * The token bucket as GCRA (generic cell rate algorithm): a bucket is one number, its "theoretical
 * arrival time" `tat` in epoch ms, the time at which it would be full again. Each token moves it one
 * interval (`60000 / perMinute` ms) ahead; a request is allowed while `tat` stays within `burst`
 * intervals of now. One number per bucket is what lets a store update it with a single conditional write.
 */
export function bucketWindow(limit: RateLimit, now: number) {
  const interval = 60_000 / limit.perMinute
  const burst = Math.max(1, limit.burst ?? limit.perMinute)
  /** The latest `tat` that still allows a request at `now`. */
  const latest = now + (burst - 1) * interval
  return { interval, latest }
}

/** What `take` answers for a bucket at `tat` (undefined: never used or full again): the new `tat`, or when to retry. */
export function takeToken(tat: number | undefined, limit: RateLimit, now: number): { allowed: true; tat: number } | { allowed: false; retryAfterSeconds: number } {
  const { interval, latest } = bucketWindow(limit, now)
  const start = Math.max(tat ?? now, now)
  if (start > latest) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((start - latest) / 1000)) }
  return { allowed: true, tat: start + interval }
}

/** Token buckets in this process only: unit tests, and a single local process. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, number>()

  constructor(private readonly clock: Clock) {}

  async take(key: string, limit: RateLimit): Promise<RateDecision> {
    const at = this.clock.now().getTime()
    const decision = takeToken(this.buckets.get(key), limit, at)
    if (!decision.allowed) return decision
    this.buckets.set(key, decision.tat)
    if (this.buckets.size > 10_000) for (const [k, tat] of this.buckets) if (tat < at) this.buckets.delete(k)
    return { allowed: true }
  }
}
