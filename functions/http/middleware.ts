import type { Context, MiddlewareHandler } from 'hono'
import type * as z from 'zod'
import { randomUUID } from 'node:crypto'
import type { LogFields, Logger } from '../../core/shared/ports.ts'
import { MethodNotAllowedError, PayloadTooLargeError, UnauthorizedError, ValidationError } from '../../core/shared/errors.ts'
import { wireId } from '../../core/wire/wire-object.ts'
import type { AppEnv } from './env.ts'

export const CORRELATION_HEADER = 'X-Correlation-Id'
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Log fields a runtime adds to every line of a request (the Lambda entry adds its request id and cold-start flag). */
export type RequestLogFields = (c: Context<AppEnv>) => LogFields

/**
 * Takes the caller's correlation id (or makes one), echoes it, and logs one line per request. The id
 * is the caller's `X-Correlation-Id`, else its `X-Request-Id`, if it matches `SAFE_ID`.
 */
export function correlation(logger: Logger, participant: string, fields?: RequestLogFields): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header(CORRELATION_HEADER) ?? c.req.header('X-Request-Id')
    const correlationId = given && SAFE_ID.test(given) ? given : randomUUID()
    const requestLogger = logger.child({ participant, correlationId, ...fields?.(c) })
    c.set('correlationId', correlationId)
    c.set('logger', requestLogger)
    c.header(CORRELATION_HEADER, correlationId)
    const started = performance.now()
    await next()
    requestLogger.info('HTTP_REQUEST', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    })
  }
}

/** How much of a body over the limit is read and thrown away so that its connection can serve the next request. */
export const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024

/** Reads and discards up to `limit` more bytes; true when the body ended within them. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<boolean> {
  let left = limit
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return true
    left -= value.length
    if (left < 0) return false
  }
}

/**
 * Refuses bodies over `maxBytes` with 413. The body is read to its end first (up to
 * {@link DRAIN_LIMIT_BYTES}), so a kept-alive connection stays in step and serves the caller's next
 * request; a larger one is answered `Connection: close` instead. A body of unknown length (chunked)
 * is buffered up to the limit and handed on.
 */
export const limitBody =
  (maxBytes: number): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const refuse = (drained: boolean) => {
      if (!drained) c.header('Connection', 'close')
      throw new PayloadTooLargeError(maxBytes)
    }
    const length = Number(c.req.header('Content-Length') ?? Number.NaN)
    if (Number.isInteger(length) && length >= 0 && !c.req.header('Transfer-Encoding')) {
      if (length <= maxBytes) return next()
      const body = c.req.raw.body
      return refuse(length <= Math.max(DRAIN_LIMIT_BYTES, maxBytes) && (!body || (await drain(body.getReader(), length))))
    }
    const body = c.req.raw.body
    if (!body) return next()
    const reader = body.getReader()
    const chunks: Uint8Array[] = []
    let size = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.length
      if (size > maxBytes) return refuse(await drain(reader, Math.max(DRAIN_LIMIT_BYTES, maxBytes) - size))
      chunks.push(value)
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks) })
    await next()
  }

/**
 * A path parameter that names a stored item (transaction, contract, operation, peer), bounded like
 * every id in a body ({@link wireId}): a 400 naming the parameter before anything reaches storage.
 */
export function idParam(c: Context<AppEnv>, name: string): string {
  const value = c.req.param(name) ?? ''
  const result = wireId.safeParse(value)
  if (result.success) return result.data
  throw new ValidationError(`Invalid path parameter ${name}: ${result.error.issues[0]?.message ?? 'not an id'}`, {
    code: 'INVALID_PATH_PARAMETER',
    details: { parameter: name },
  })
}

/** Reads a JSON body; malformed JSON is a 400 naming the problem. An empty body reads as `empty`. */
export async function readJson(c: Context<AppEnv>, empty?: unknown): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') {
    if (empty !== undefined) return empty
    throw new ValidationError('Request body is empty; a JSON object is required', { code: 'MALFORMED_JSON' })
  }
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new ValidationError(`Request body is not valid JSON: ${(cause as Error).message}`, { code: 'MALFORMED_JSON', cause })
  }
}

/** Registered after a path's real handlers: any other method gets 405 with an Allow header. */
export const methodNotAllowed =
  (allowed: readonly string[]): MiddlewareHandler<AppEnv> =>
  (c) => {
    throw new MethodNotAllowedError(c.req.method, c.req.path, allowed)
  }

/** The seam for signed calls between participants (security issue); lets everything through until then. */
export type AuthMiddleware = MiddlewareHandler<AppEnv>
export const allowAll: AuthMiddleware = async (_c, next) => {
  await next()
}

/** Bearer-token guard for operator endpoints; open when no token is configured (local mode). */
export function adminToken(token: string | undefined): AuthMiddleware {
  return async (c, next) => {
    if (token && c.req.header('Authorization') !== `Bearer ${token}`) {
      throw new UnauthorizedError('A valid admin bearer token is required')
    }
    await next()
  }
}

/** The request's query parameters, parsed with `schema`; the first bad one is a 400 naming it. */
export function readQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query())
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const parameter = issue.path.length > 0 ? issue.path.join('.') : 'query'
  throw new ValidationError(`Query parameter ${parameter}: ${issue.message}`, { code: 'INVALID_PARAMETER', details: { parameter } })
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

/** A workload's name is its namespace: a DNS-1123 label (at most 63 lowercase letters, digits and hyphens). */
export function workloadName(c: Context<AppEnv>): string {
  const name = c.req.param('name') ?? ''
  if (DNS_LABEL.test(name)) return name
  throw new ValidationError('Invalid path parameter name: must be a DNS-1123 label (lowercase letters, digits and hyphens, at most 63)', {
    code: 'INVALID_PATH_PARAMETER',
    details: { parameter: 'name' },
  })
}

