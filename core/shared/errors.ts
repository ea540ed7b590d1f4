/**
 * The one coded error hierarchy of rear-cloud. Every failure a caller can act on is a `RearError`;
 * `functions/` maps each `kind` to an HTTP status in a single `onError`. Anything else is a bug.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'expired'
  | 'conflict'
  | 'payload-too-large'
  | 'peer-unavailable'
  | 'peer-timeout'
  | 'contention'

export interface RearErrorOptions {
  cause?: unknown
  details?: Record<string, unknown>
}

export abstract class RearError extends Error {
  abstract readonly kind: ErrorKind
  readonly code: string
  readonly details: Record<string, unknown> | undefined

  constructor(code: string, message: string, options: RearErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.details = options.details
  }
}

export class ValidationError extends RearError {
  readonly kind = 'validation'
  constructor(message: string, options: RearErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'VALIDATION_FAILED', message, options)
  }
}

export class UnsupportedFlavourTypeError extends RearError {
  readonly kind = 'validation'
  constructor(type: string, options: RearErrorOptions = {}) {
    super('UNSUPPORTED_FLAVOUR_TYPE', `Flavour type ${type} is not supported`, options)
  }
}

export class UnauthorizedError extends RearError {
  readonly kind = 'unauthorized'
  constructor(message = 'Authentication required', options: RearErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'UNAUTHORIZED', message, options)
  }
}

export class ForbiddenError extends RearError {
  readonly kind = 'forbidden'
  constructor(message = 'Forbidden', options: RearErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'FORBIDDEN', message, options)
  }
}

export class NotFoundError extends RearError {
  readonly kind = 'not-found'
  constructor(what: string, id: string, options: RearErrorOptions & { code?: string } = {}) {
    super(options.code ?? `${what.toUpperCase().replace(/\s+/g, '_')}_NOT_FOUND`, `${what} ${id} not found`, options)
  }
}

export class MethodNotAllowedError extends RearError {
  readonly kind = 'method-not-allowed'
  constructor(method: string, path: string, readonly allowed: readonly string[]) {
    super('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`)
  }
}

export class ExpiredError extends RearError {
  readonly kind = 'expired'
  constructor(message: string, options: RearErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'EXPIRED', message, options)
  }
}

export class ConflictError extends RearError {
  readonly kind = 'conflict'
  constructor(message: string, options: RearErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'CONFLICT', message, options)
  }
}

export class PayloadTooLargeError extends RearError {
  readonly kind = 'payload-too-large'
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `Request body exceeds ${limitBytes} bytes`)
  }
}

export class PeerUnavailableError extends RearError {
  readonly kind = 'peer-unavailable'
  constructor(peer: string, message: string, options: RearErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'PEER_UNAVAILABLE', `Peer ${peer}: ${message}`, options)
  }
}

export class PeerTimeoutError extends RearError {
  readonly kind = 'peer-timeout'
  constructor(peer: string, timeoutMs: number, options: RearErrorOptions = {}) {
    super('PEER_TIMEOUT', `Peer ${peer} did not answer within ${timeoutMs} ms`, options)
  }
}

/** A transient write contention (DynamoDB `TransactionConflict`): the operation may be retried as is. */
export class ContentionError extends RearError {
  readonly kind = 'contention'
  constructor(message = 'Concurrent update, retry', options: RearErrorOptions = {}) {
    super('CONTENTION', message, options)
  }
}

export const isRearError = (error: unknown): error is RearError => error instanceof RearError
