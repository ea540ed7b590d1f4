import { createHmac, timingSafeEqual } from 'node:crypto'
import { PeerUnavailableError, ValidationError, isRearError } from '../../core/shared/errors.ts'
import type { Clock } from '../../core/shared/ports.ts'
import {
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookUnauthorizedError,
  type CallbackSender,
  type WebhookHeaders,
  type WebhookVerifier,
} from '../../core/intents/webhook.ts'

/*
 * Standard Webhooks `v1` with node:crypto rather than the `standardwebhooks` package: its verify()
 * reads Date.now() with a hard-coded tolerance, so it cannot honour the injected Clock, and what
 * is left (one HMAC and a timing-safe compare) is not worth a runtime dependency. The unit tests
 * pin our output to vectors produced by standardwebhooks 1.1.1.
 */

const SECRET_PREFIX = 'whsec_'
const MIN_SECRET_BYTES = 24
const MAX_SECRET_BYTES = 64
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/
const UNIX_SECONDS = /^[0-9]{1,12}$/
const MAX_SIGNATURE_HEADER_CHARS = 4096
const SIGNATURE_SPELLING = '"v1,<base64 HMAC-SHA256>" entries separated by spaces'

/** Time allowed for one callback attempt, body of the answer included. */
export const CALLBACK_TIMEOUT_MS = 10_000

/**
 * Development-only secret for local mode when INTENT_WEBHOOK_SECRET is not set: `whsec_` + the
 * base64 of the 32 ASCII bytes "rear-cloud development only key!". It is public; never use it in
 * the cloud.
 */
export const DEV_WEBHOOK_SECRET = 'whsec_cmVhci1jbG91ZCBkZXZlbG9wbWVudCBvbmx5IGtleSE='

/** The three headers of a signed delivery, ready to pass to fetch. */
export interface SignedWebhookHeaders {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/**
 * Checks a Standard Webhooks secret, `whsec_` + the base64 of 24 to 64 random bytes (surrounding
 * whitespace ignored), and returns the HMAC key bytes. `name` says where the secret came from
 * (e.g. INTENT_WEBHOOK_SECRET); messages never repeat the secret.
 */
export function parseWebhookSecret(text: string, name = 'The webhook secret'): Buffer {
  const trimmed = text.trim()
  const hint = `; generate one with: echo "whsec_$(openssl rand -base64 32)"`
  const refuse = (problem: string) =>
    new ValidationError(`${name} ${problem}: it must be "whsec_" followed by the base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} random bytes${hint}`, {
      code: 'WEBHOOK_SECRET_INVALID',
    })
  if (!trimmed.startsWith(SECRET_PREFIX)) throw refuse(trimmed === '' ? 'is empty' : 'does not start with "whsec_"')
  const encoded = trimmed.slice(SECRET_PREFIX.length)
  if (!BASE64.test(encoded)) throw refuse('is not valid base64 after "whsec_"')
  const key = Buffer.from(encoded, 'base64')
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) throw refuse(`decodes to ${key.length} bytes`)
  return key
}

const v1Signature = (key: Buffer, id: string, unixSeconds: number, body: string) =>
  createHmac('sha256', key).update(`${id}.${unixSeconds}.${body}`, 'utf8').digest('base64')

const unixSecondsOf = (at: Date) => Math.floor(at.getTime() / 1000)

function signWithKey(key: Buffer, id: string, timestamp: Date, body: string): SignedWebhookHeaders {
  if (!WEBHOOK_ID.test(id)) throw new ValidationError(`A webhook-id must be 1 to 256 visible ASCII characters, got ${JSON.stringify(id.slice(0, 300))}`, { code: 'WEBHOOK_ID_INVALID' })
  const unixSeconds = unixSecondsOf(timestamp)
  return {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: String(unixSeconds),
    [WEBHOOK_SIGNATURE_HEADER]: `v1,${v1Signature(key, id, unixSeconds, body)}`,
  }
}

/**
 * Signs `body` (the exact text to be sent) as delivery `id` at `timestamp` (whole seconds count)
 * and returns the three Standard Webhooks headers; for the demo, the CLI, tests and callbacks.
 */
export function signWebhook(secret: string, id: string, timestamp: Date, body: string): SignedWebhookHeaders {
  return signWithKey(parseWebhookSecret(secret), id, timestamp, body)
}

/**
 * Verifies Standard Webhooks `v1` signatures against one `whsec_` secret, with the timestamp
 * checked against the injected Clock within ±WEBHOOK_TOLERANCE_SECONDS (bounds included). Any
 * `v1` entry that matches passes; `v1a` (Ed25519) entries are not supported and never match.
 * The constructor throws ValidationError WEBHOOK_SECRET_INVALID for a malformed secret.
 */
export class StandardWebhookVerifier implements WebhookVerifier {
  private readonly key: Buffer

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    this.key = parseWebhookSecret(secret)
  }

  verify(rawBody: string, headers: WebhookHeaders): { webhookId: string; timestamp: Date } {
    const id = headers.id?.trim() ?? ''
    const timestampText = headers.timestamp?.trim() ?? ''
    const signatureText = headers.signature?.trim() ?? ''
    const missing = (
      [
        [WEBHOOK_ID_HEADER, id],
        [WEBHOOK_TIMESTAMP_HEADER, timestampText],
        [WEBHOOK_SIGNATURE_HEADER, signatureText],
      ] as const
    )
      .filter(([, value]) => value === '')
      .map(([name]) => name)
    if (missing.length > 0) {
      throw new WebhookUnauthorizedError(
        'WEBHOOK_HEADERS_MISSING',
        `Missing webhook header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: sign each request the Standard Webhooks way (${WEBHOOK_ID_HEADER}, ${WEBHOOK_TIMESTAMP_HEADER} in unix seconds, ${WEBHOOK_SIGNATURE_HEADER})`,
        { details: { missing } },
      )
    }
    if (!WEBHOOK_ID.test(id)) {
      throw new WebhookUnauthorizedError('WEBHOOK_HEADERS_MISSING', `Header ${WEBHOOK_ID_HEADER} must be 1 to 256 visible ASCII characters`, { details: { header: WEBHOOK_ID_HEADER } })
    }
    if (!UNIX_SECONDS.test(timestampText)) {
      throw new WebhookUnauthorizedError('WEBHOOK_HEADERS_MISSING', `Header ${WEBHOOK_TIMESTAMP_HEADER} must be whole unix seconds, got ${JSON.stringify(timestampText.slice(0, 40))}`, {
        details: { header: WEBHOOK_TIMESTAMP_HEADER },
      })
    }

    const unixSeconds = Number(timestampText)
    const now = this.clock.now()
    const skew = unixSecondsOf(now) - unixSeconds
    if (Math.abs(skew) > WEBHOOK_TOLERANCE_SECONDS) {
      const signedAt = new Date(unixSeconds * 1000)
      throw new WebhookUnauthorizedError(
        'WEBHOOK_TIMESTAMP_STALE',
        `Header ${WEBHOOK_TIMESTAMP_HEADER} ${unixSeconds} (${signedAt.toISOString()}) is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} this server's time ${now.toISOString()}; the tolerance is ±${WEBHOOK_TOLERANCE_SECONDS} s: sign every attempt with the current time and check the sender's clock`,
        { details: { timestamp: unixSeconds, serverTime: now.toISOString(), toleranceSeconds: WEBHOOK_TOLERANCE_SECONDS } },
      )
    }

    const offered = signatureText.length > MAX_SIGNATURE_HEADER_CHARS ? [] : v1Entries(signatureText)
    if (offered.length === 0) {
      throw new WebhookUnauthorizedError(
        'WEBHOOK_SIGNATURE_INVALID',
        `Header ${WEBHOOK_SIGNATURE_HEADER} has no v1 signature: it must be ${SIGNATURE_SPELLING} (at most ${MAX_SIGNATURE_HEADER_CHARS} characters)`,
        { details: { header: WEBHOOK_SIGNATURE_HEADER } },
      )
    }
    const expected = Buffer.from(v1Signature(this.key, id, unixSeconds, rawBody))
    const matches = offered.some((signature) => {
      const candidate = Buffer.from(signature)
      return candidate.length === expected.length && timingSafeEqual(candidate, expected)
    })
    if (!matches) {
      throw new WebhookUnauthorizedError(
        'WEBHOOK_SIGNATURE_INVALID',
        `No signature in ${WEBHOOK_SIGNATURE_HEADER} matches: each v1 entry must be the base64 HMAC-SHA256, keyed with the base64-decoded part of this node's whsec_ secret, of "{${WEBHOOK_ID_HEADER}}.{${WEBHOOK_TIMESTAMP_HEADER}}.{the exact request body}"`,
        { details: { header: WEBHOOK_SIGNATURE_HEADER, offered: offered.length } },
      )
    }
    return { webhookId: id, timestamp: new Date(unixSeconds * 1000) }
  }
}

function v1Entries(header: string): string[] {
  return header
    .split(/\s+/)
    .map((entry) => entry.split(','))
    .filter((parts): parts is [string, string] => parts.length === 2 && parts[0] === 'v1' && parts[1] !== '')
    .map(([, signature]) => signature)
}

/**
 * CallbackSender over fetch: POSTs JSON signed with `secret`, a fresh timestamp from `clock` per
 * attempt, bounded by `timeoutMs` (default CALLBACK_TIMEOUT_MS, answer body included). Redirects
 * are never followed (a 3xx is a failure naming its Location), so a callback cannot be bounced to
 * another host. Error codes: CALLBACK_ANSWERED_<status>, CALLBACK_TIMEOUT, CALLBACK_UNREACHABLE
 * (PeerUnavailableError, retryable); CALLBACK_URL_INVALID (ValidationError, not retryable).
 */
export class SignedCallbackSender implements CallbackSender {
  private readonly key: Buffer

  constructor(
    secret: string,
    private readonly clock: Clock,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly timeoutMs: number = CALLBACK_TIMEOUT_MS,
  ) {
    this.key = parseWebhookSecret(secret)
  }

  async send(url: string, body: unknown, deliveryId: string): Promise<void> {
    const target = callbackTarget(url)
    const peer = `callback ${target.origin}${target.pathname}`
    const text = JSON.stringify(body)
    const headers = { 'content-type': 'application/json', 'user-agent': 'rear-cloud-webhooks', ...signWithKey(this.key, deliveryId, this.clock.now(), text) }
    const signal = AbortSignal.timeout(this.timeoutMs)
    try {
      const response = await this.fetchImpl(target, { method: 'POST', headers, body: text, redirect: 'manual', signal })
      if (response.status >= 200 && response.status < 300) {
        await response.body?.cancel().catch(() => undefined)
        return
      }
      const location = response.headers.get('location')
      const answer = location
        ? `redirects to ${location.slice(0, 200)}; callbacks do not follow redirects, give the final URL`
        : (await response.text().catch(() => '')).slice(0, 200)
      throw new PeerUnavailableError(peer, `answered ${response.status} to delivery ${deliveryId}${answer ? `: ${answer}` : ''}`, {
        code: `CALLBACK_ANSWERED_${response.status}`,
        details: { status: response.status, deliveryId },
      })
    } catch (error) {
      if (isRearError(error)) throw error
      if (signal.aborted) {
        throw new PeerUnavailableError(peer, `did not answer delivery ${deliveryId} within ${this.timeoutMs} ms`, { code: 'CALLBACK_TIMEOUT', cause: error, details: { deliveryId } })
      }
      throw new PeerUnavailableError(peer, `unreachable for delivery ${deliveryId}: ${describeNetworkError(error)}`, { code: 'CALLBACK_UNREACHABLE', cause: error, details: { deliveryId } })
    }
  }
}

function callbackTarget(url: string): URL {
  const refuse = (why: string) => new ValidationError(`Callback URL ${why}; it must be an http:// or https:// URL without credentials`, { code: 'CALLBACK_URL_INVALID' })
  if (!URL.canParse(url)) throw refuse('is not a URL')
  const target = new URL(url)
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw refuse(`has scheme ${target.protocol}`)
  if (target.username !== '' || target.password !== '') throw refuse('carries credentials')
  return target
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined
  return detail ? `${error.message} (${detail})` : error.message
}
