import type { Context, ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorKind } from '../../core/shared/errors.ts'
import { isRearError, MethodNotAllowedError } from '../../core/shared/errors.ts'
import type { AppEnv } from './env.ts'

/** The one status table: core error kinds to HTTP. 408 for an expired transaction is the Go node's code. */
export const STATUS_BY_KIND: Record<ErrorKind, ContentfulStatusCode> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  expired: 408,
  conflict: 409,
  'payload-too-large': 413,
  'peer-unavailable': 502,
  contention: 503,
  'peer-timeout': 504,
}

export interface ErrorBody {
  code: string
  message: string
  details?: Record<string, unknown>
}

export function errorJson(c: Context<AppEnv>, status: ContentfulStatusCode, body: ErrorBody) {
  return c.json(body, status)
}

/** Maps every error to `{code, message}`. Only errors that are not RearErrors are 500s, and they are logged as bugs. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (isRearError(error)) {
    if (error instanceof MethodNotAllowedError) c.header('Allow', error.allowed.join(', '))
    if (error.kind === 'contention') c.header('Retry-After', '1')
    const body: ErrorBody = { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) }
    return errorJson(c, STATUS_BY_KIND[error.kind], body)
  }
  if (error instanceof HTTPException && error.status < 500) {
    return errorJson(c, error.status as ContentfulStatusCode, { code: 'HTTP_ERROR', message: error.message || 'Bad request' })
  }
  c.get('logger')?.error('UNHANDLED_ERROR', { error: error.message, stack: error.stack, path: c.req.path })
  return errorJson(c, 500, { code: 'INTERNAL', message: 'Internal error; see the logs under this correlation id' })
}
