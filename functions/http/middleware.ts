import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
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

export const limitBody = (maxBytes: number): MiddlewareHandler<AppEnv> =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new PayloadTooLargeError(maxBytes)
    },
  })

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
