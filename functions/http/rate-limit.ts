import type { Context, Hono, MiddlewareHandler } from 'hono'
import type { RateLimit, RateLimiter } from '../../core/shared/rate-limit.ts'
import type { AppEnv } from './env.ts'
import type { ErrorBody } from './error-handler.ts'
import { errorJson } from './error-handler.ts'

/** Answers 429 with `Retry-After` (whole seconds, at least 1). */
export function tooManyRequests(c: Context<AppEnv>, body: ErrorBody, retryAfterSeconds: number) {
  c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))))
  return errorJson(c, 429, body)
}

interface ConnectionBindings {
  /** `hono/aws-lambda`: what API Gateway saw as the TCP peer. */
  requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } }
  /** `@hono/node-server`: the socket. */
  incoming?: { socket?: { remoteAddress?: string } }
}

/**
 * Where the request came from: API Gateway's source IP, else the socket's address, else (a runtime
 * that gives neither, such as `app.request` in tests) the first `X-Forwarded-For` entry. The header
 * is never preferred: its first entry is whatever the client wrote.
 */
export function sourceAddress(c: Context<AppEnv>): string {
  const env = (c.env ?? {}) as ConnectionBindings
  const fromRuntime = env.requestContext?.http?.sourceIp ?? env.requestContext?.identity?.sourceIp ?? env.incoming?.socket?.remoteAddress
  if (fromRuntime) return fromRuntime
  return c.req.header('X-Forwarded-For')?.split(',')[0]?.trim() || 'unknown'
}

/** Whose bucket a request spends: the signer's (or a known unsigned peer's) id, else its source address. */
export function callerKey(c: Context<AppEnv>): string {
  const caller = c.get('caller')
  return caller && 'id' in caller && caller.id ? `id:${caller.id}` : `ip:${sourceAddress(c)}`
}

export interface RateLimitOptions {
  /** The route group whose bucket this is (`rear`, `reservations`); each caller has one bucket per group. */
  group: string
  limit: RateLimit
  /** Who pays; {@link callerKey} by default. */
  key?: (c: Context<AppEnv>) => string
}

/**
 * Per-caller token buckets: a request over its caller's limit for this group is answered 429
 * `RATE_LIMITED` with `Retry-After`. Runs after the signature middleware (it reads `caller`). A
 * limiter that fails lets the request through and logs it: the limits guard capacity, not identity.
 */
export function rateLimit(limiter: RateLimiter, options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const key = options.key ?? callerKey
  return async (c, next) => {
    const who = key(c)
    let decision
    try {
      decision = await limiter.take(`${who}#${options.group}`, options.limit)
    } catch (error) {
      c.get('logger')?.error('RATE_LIMITER_FAILED', { group: options.group, error: error instanceof Error ? error.message : String(error) })
      return next()
    }
    if (decision.allowed) return next()
    c.get('logger')?.warn('RATE_LIMITED', { caller: who, group: options.group, retryAfterSeconds: decision.retryAfterSeconds })
    return tooManyRequests(
      c,
      { code: 'RATE_LIMITED', message: `Too many requests to ${options.group} routes; retry in ${decision.retryAfterSeconds} s`, details: { group: options.group } },
      decision.retryAfterSeconds,
    )
  }
}

/** Requests a minute per caller: the REAR API as a whole, and reservations, purchases and cancels on top of it. */
export interface RateLimits {
  rearPerMinute: number
  reservationsPerMinute: number
}

export const DEFAULT_RATE_LIMITS: RateLimits = { rearPerMinute: 600, reservationsPerMinute: 120 }

/**
 * Mounts the per-caller limits on `app`: group `rear` on `/api/*` and `/rear/*`, group
 * `reservations` on reserve, purchase and cancel. Call it after the signature middleware and
 * before the routes.
 */
export function mountRateLimits(app: Hono<AppEnv>, limiter: RateLimiter, limits: RateLimits = DEFAULT_RATE_LIMITS): void {
  const rear = rateLimit(limiter, { group: 'rear', limit: { perMinute: limits.rearPerMinute } })
  const reservations = rateLimit(limiter, { group: 'reservations', limit: { perMinute: limits.reservationsPerMinute } })
  app.use('/api/*', rear)
  app.use('/rear/*', rear)
  app.on('POST', ['/api/v2/reservations', '/api/v2/transactions/:id/purchase'], reservations)
  app.on('DELETE', '/api/v2/transactions/:id', reservations)
}
