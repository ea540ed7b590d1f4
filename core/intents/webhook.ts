import { UnauthorizedError, type RearErrorOptions } from '../shared/errors.ts'

/**
 * Webhooks in and out of the consumer node follow the Standard Webhooks convention
 * (https://www.standardwebhooks.com): `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * `"{webhook-id}.{webhook-timestamp}.{raw body}"` with a `whsec_…` shared secret.
 */

/** How far, in seconds, a `webhook-timestamp` may be from this server's clock, either way (the convention's 5 minutes). */
export const WEBHOOK_TOLERANCE_SECONDS = 300

/** Unique id of one delivery; the same id again is a replay (the intent route's idempotency key, a callback's delivery id). */
export const WEBHOOK_ID_HEADER = 'webhook-id'
/** Integer unix seconds at which the sender signed this attempt. */
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp'
/** Space-separated `v1,<base64>` signatures; any one that matches is enough (several allow key rotation). */
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature'

/**
 * Why a webhook was refused: a header absent or malformed (`WEBHOOK_HEADERS_MISSING`), a timestamp
 * outside ±WEBHOOK_TOLERANCE_SECONDS (`WEBHOOK_TIMESTAMP_STALE`), or no `v1` signature that
 * matches (`WEBHOOK_SIGNATURE_INVALID`, a malformed `webhook-signature` included).
 */
export type WebhookErrorCode = 'WEBHOOK_HEADERS_MISSING' | 'WEBHOOK_TIMESTAMP_STALE' | 'WEBHOOK_SIGNATURE_INVALID'

/** A refused webhook: 401 like any UnauthorizedError, with its WebhookErrorCode as `code`. */
export class WebhookUnauthorizedError extends UnauthorizedError {
  declare readonly code: WebhookErrorCode

  constructor(code: WebhookErrorCode, message: string, options: RearErrorOptions = {}) {
    super(message, { ...options, code })
  }
}

/** The three Standard Webhooks headers as received; any may be absent. */
export interface WebhookHeaders {
  id?: string
  timestamp?: string
  signature?: string
}

/**
 * Authenticates an incoming webhook before its body is parsed. `rawBody` must be the exact text
 * received (the signature covers its bytes). Returns the delivery id (the idempotency key) and the
 * signing time; throws WebhookUnauthorizedError (an UnauthorizedError, 401) with code
 * WEBHOOK_HEADERS_MISSING, WEBHOOK_TIMESTAMP_STALE or WEBHOOK_SIGNATURE_INVALID.
 */
export interface WebhookVerifier {
  verify(rawBody: string, headers: WebhookHeaders): { webhookId: string; timestamp: Date }
}

/**
 * Delivers one signed callback: POSTs `body` as JSON to `url` with `webhook-id` = `deliveryId`
 * (the same id on every retry of that delivery, so the receiver can de-duplicate) and a fresh
 * `webhook-timestamp` per attempt, signed with the same secret as incoming intents. Resolves on a
 * 2xx answer; throws PeerUnavailableError on any other answer (redirects are not followed), a
 * timeout or a network error, which the caller retries. Throws ValidationError for a URL that is
 * not http(s), which no retry can fix.
 */
export interface CallbackSender {
  send(url: string, body: unknown, deliveryId: string): Promise<void>
}
