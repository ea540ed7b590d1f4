import { createHash, randomBytes } from 'node:crypto'
import { createSignature, isSignatureError, verifySignature, webcrypto } from 'http-message-sig'
import type { Signer, Verifier } from 'http-message-sig'
import { isRearError, UnauthorizedError } from '../../core/shared/errors.ts'
import type { Clock } from '../../core/shared/ports.ts'
import { keyLive, splitKeyId } from '../../core/security/keys.ts'
import { MAX_ID_LENGTH } from '../../core/wire/wire-object.ts'
import type { KeyResolver, NonceStore, PrivateJwk, PublicJwk, RequestSigner, RequestVerifier, VerifiedCaller } from '../../core/security/ports.ts'

export const SIGNATURE_LABEL = 'rear'
/** How long a signature is valid after `created`, and the clock difference tolerated each way, in seconds. */
export const SIGNATURE_VALIDITY_SECONDS = 60
export const CLOCK_SKEW_SECONDS = 30
const ALGORITHM = 'ed25519'
const BASE_COMPONENTS = ['@method', '@target-uri', 'content-digest'] as const
const NONCE = /^[A-Za-z0-9_-]{16,64}$/
const REQUIRED_PARAMETERS = ['created', 'expires', 'keyid', 'nonce', 'alg', 'tag']
const KID = /^[A-Za-z0-9._:-]{1,64}$/
const MAX_KEY_ID_ECHOED = 200

/** `<participant>#<kid>` with an id no longer than any participant's and a kid a key can have; anything else names no key and is not looked up. */
const wellFormedKeyId = (keyId: string) => {
  const parts = splitKeyId(keyId)
  return parts !== undefined && parts.owner.length <= MAX_ID_LENGTH && KID.test(parts.kid)
}

const unauthorized = (code: string, message: string, cause?: unknown) => new UnauthorizedError(message, { code, ...(cause === undefined ? {} : { cause }) })

/** `sha-256=:<base64>:` of the body bytes (RFC 9530); an empty body has the digest of the empty string. */
export const contentDigest = (body: Uint8Array) => `sha-256=:${createHash('sha256').update(body).digest('base64')}:`

const bodyOf = async (request: Request) => new Uint8Array(request.body ? await request.clone().arrayBuffer() : new ArrayBuffer(0))

async function importPrivate(jwk: PrivateJwk): Promise<Signer> {
  const { kty, crv, x, d } = jwk
  return webcrypto.signer(await crypto.subtle.importKey('jwk', { kty, crv, x, d }, { name: 'Ed25519' }, false, ['sign']))
}

async function importPublic(jwk: PublicJwk): Promise<Verifier> {
  const { kty, crv, x } = jwk
  return webcrypto.verifier(await crypto.subtle.importKey('jwk', { kty, crv, x }, { name: 'Ed25519' }, false, ['verify']))
}

/** Signs with one Ed25519 key as `keyId`: method, target URI, Content-Digest and (with a body) Content-Type, with a fresh nonce. */
export class HttpMessageSigner implements RequestSigner {
  private signer: Promise<Signer> | undefined

  constructor(
    readonly keyId: string,
    private readonly key: PrivateJwk,
    private readonly clock: Clock,
  ) {}

  async sign(request: Request): Promise<Headers> {
    this.signer ??= importPrivate(this.key)
    const headers = new Headers(request.headers)
    headers.set('Content-Digest', contentDigest(await bodyOf(request)))
    const created = Math.floor(this.clock.now().getTime() / 1000)
    const components = [...BASE_COMPONENTS, ...(headers.has('content-type') ? ['content-type'] : [])]
    const message = { kind: 'request' as const, method: request.method, targetUri: request.url, fields: [...headers].map(([name, value]) => ({ name, value })) }
    const fields = await createSignature(message, {
      label: SIGNATURE_LABEL,
      components,
      parameters: { created, expires: created + SIGNATURE_VALIDITY_SECONDS, keyid: this.keyId, nonce: randomBytes(16).toString('base64url'), alg: ALGORITHM, tag: SIGNATURE_LABEL },
      signer: await this.signer,
    })
    headers.set('Signature-Input', fields.signatureInput)
    headers.set('Signature', fields.signature)
    return headers
  }
}

export interface VerifierDeps {
  keys: KeyResolver
  nonces: NonceStore
  clock: Clock
}

/**
 * RFC 9421 verification under rear's policy: label `rear`, tag `rear`, Ed25519, the method, target
 * URI and Content-Digest covered (Content-Type too when sent), `created`/`expires` within 60 s and 30 s
 * of skew, the key registered and live, the body matching its digest, and the nonce seen only once.
 */
export class HttpMessageVerifier implements RequestVerifier {
  private readonly imported = new Map<string, Promise<Verifier>>()

  constructor(private readonly deps: VerifierDeps) {}

  async verify(request: Request): Promise<VerifiedCaller> {
    if (!request.headers.has('signature') && !request.headers.has('signature-input')) throw unauthorized('SIGNATURE_MISSING', 'This route needs a signed request (RFC 9421)')
    const now = this.deps.clock.now()
    let caller: VerifiedCaller | undefined
    let expires = 0
    let nonce = ''
    try {
      await verifySignature(request, {
        label: SIGNATURE_LABEL,
        policy: {
          algorithms: [ALGORITHM],
          requiredComponents: [...BASE_COMPONENTS],
          requiredParameters: REQUIRED_PARAMETERS,
          maxAge: SIGNATURE_VALIDITY_SECONDS,
          clockSkew: CLOCK_SKEW_SECONDS,
          now: Math.floor(now.getTime() / 1000),
          validate: async (signed) => {
            const { tag, expires: until, created } = signed.parameters
            if (tag !== SIGNATURE_LABEL) throw unauthorized('SIGNATURE_MALFORMED', `The signature's tag must be "${SIGNATURE_LABEL}"`)
            if (typeof until !== 'number' || typeof created !== 'number' || until - created > SIGNATURE_VALIDITY_SECONDS) {
              throw unauthorized('SIGNATURE_MALFORMED', `expires must be at most ${SIGNATURE_VALIDITY_SECONDS} s after created`)
            }
            if (request.headers.has('content-type') && !signed.components.some((c) => c.name === 'content-type')) {
              throw unauthorized('SIGNATURE_MALFORMED', 'The signature must cover content-type')
            }
            if (typeof signed.parameters.nonce !== 'string' || !NONCE.test(signed.parameters.nonce)) {
              throw unauthorized('SIGNATURE_MALFORMED', 'The nonce must be 16 to 64 base64url characters')
            }
            expires = until
            nonce = signed.parameters.nonce
          },
        },
        resolveVerifier: async (candidate) => {
          const keyId = candidate.parameters.keyid
          if (typeof keyId !== 'string') throw unauthorized('SIGNATURE_MALFORMED', 'The signature has no keyid')
          if (!wellFormedKeyId(keyId)) throw unauthorized('SIGNATURE_KEY_UNKNOWN', `keyid ${JSON.stringify(keyId.slice(0, MAX_KEY_ID_ECHOED))} is not <participant>#<kid>: no key is registered under it`)
          const resolved = await this.deps.keys.resolve(keyId)
          if (!resolved) throw unauthorized('SIGNATURE_KEY_UNKNOWN', `No registered key ${keyId} is accepted here`)
          if (!keyLive(resolved.jwk, now)) throw unauthorized('SIGNATURE_KEY_UNKNOWN', `Key ${keyId} was retired at ${new Date(resolved.jwk.exp! * 1000).toISOString()}`)
          caller = resolved.caller
          const cacheKey = `${keyId}:${resolved.jwk.x}`
          let verifier = this.imported.get(cacheKey)
          if (!verifier) this.imported.set(cacheKey, (verifier = importPublic(resolved.jwk)))
          return verifier
        },
      })
    } catch (error) {
      throw asUnauthorized(error)
    }
    const digest = request.headers.get('content-digest') ?? ''
    if (!digestMatches(digest, await bodyOf(request))) throw unauthorized('CONTENT_DIGEST_MISMATCH', 'The body does not match its Content-Digest')
    const signer = caller!
    if (!(await this.deps.nonces.claim(signer.keyId, nonce, new Date((expires + CLOCK_SKEW_SECONDS) * 1000)))) {
      throw unauthorized('SIGNATURE_REPLAYED', 'This signature was already used')
    }
    return signer
  }
}

/**
 * Content-Digest is a dictionary: its one sha-256 member must match. A second sha-256 member is refused:
 * which one counts is ambiguous (RFC 8941 keeps the last), so the body must not pass with either.
 */
function digestMatches(header: string, body: Uint8Array): boolean {
  const sha256 = header
    .split(',')
    .map((member) => member.trim())
    .filter((member) => member.split('=')[0] === 'sha-256')
  return sha256.length === 1 && sha256[0] === contentDigest(body)
}

const EXPIRY = /created in the future|has expired|too old/i
const SIGNATURE_FIELD_MISSING = /^Missing field signature(-input)?$/

function asUnauthorized(error: unknown): unknown {
  if (isRearError(error)) return error
  if (!isSignatureError(error)) return error
  if (error.code === 'ResolverFailed') return error.cause ?? error
  if (error.code === 'MissingField' && SIGNATURE_FIELD_MISSING.test(error.message)) {
    return unauthorized('SIGNATURE_MISSING', `The request is not signed as "${SIGNATURE_LABEL}": ${error.message}`, error)
  }
  if (error.code === 'MissingField') return unauthorized('SIGNATURE_MALFORMED', `The signature covers a field the request does not carry: ${error.message}`, error)
  if (error.code === 'PolicyViolation' && EXPIRY.test(error.message)) return unauthorized('SIGNATURE_EXPIRED', error.message, error)
  if (error.code === 'VerificationFailed') return unauthorized('SIGNATURE_INVALID', 'The signature does not verify with the key its keyid names', error)
  return unauthorized('SIGNATURE_MALFORMED', error.message, error)
}
