import { ForbiddenError, ValidationError } from '../shared/errors.ts'
import type { SealingPublicJwk } from './ports.ts'

/**
 * What a sealed credential is for, bound in the JWE's protected header (authenticated): `aud` is the
 * recipient participant, and exactly one of the contract (`rear.contractId`), the transaction
 * (`rear.transactionId`) or the chain (`rear.chainId`) it belongs to. A JWE opened under another context is refused.
 */
export type SealContext = { audience: string } & ({ contractId: string } | { transactionId: string } | { chainId: string })

/** Who a credential is sealed to: a participant id and its X25519 keys (the first one is used). */
export interface SealRecipient {
  id: string
  keys: readonly SealingPublicJwk[]
}

/**
 * Seals credentials (kubeconfigs) to a recipient's public key so that only it can read them, whoever
 * stores or relays them: compact JWE, ECDH-ES+A256KW with X25519, A256GCM, `kid` set. Opens only what
 * was sealed to this participant under the expected context; any other input is a coded error, never a crash.
 */
export interface CredentialSealer {
  /** This participant as a recipient (its current sealing key), to seal what it keeps for itself. */
  readonly self: SealRecipient
  /** A compact JWE of `plaintext` for `recipient.keys[0]`, `aud` = `recipient.id`, bound to `context`. */
  seal(plaintext: string, recipient: SealRecipient, context: SealContext): Promise<string>
  /**
   * The plaintext of a JWE sealed to one of this participant's keys (current or previous) under
   * `context`. ValidationError `SEALED_CREDENTIAL_INVALID` when malformed or tampered with,
   * `SEALING_KEY_UNKNOWN` when no key of this participant matches its `kid`; ForbiddenError
   * `SEALED_CREDENTIAL_MISDIRECTED` when it is for another recipient or context.
   */
  open(jwe: string, context: SealContext): Promise<string>
}

const COMPACT_JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
/** A sealed credential is never longer than this (a few KiB kubeconfig, base64, then base64url again plus the header). */
export const MAX_SEALED_LENGTH = 100_000

/** Whether a credential field holds a compact JWE (five base64url parts) rather than a clear value. */
export const isSealed = (value: string): boolean => value.length <= MAX_SEALED_LENGTH && COMPACT_JWE.test(value)

/** The protected header's context claims for `context`. */
export function contextClaims(context: SealContext): Record<string, string> {
  if ('contractId' in context) return { aud: context.audience, 'rear.contractId': context.contractId }
  if ('transactionId' in context) return { aud: context.audience, 'rear.transactionId': context.transactionId }
  return { aud: context.audience, 'rear.chainId': context.chainId }
}

const CONTEXT_CLAIMS = ['rear.contractId', 'rear.transactionId', 'rear.chainId'] as const

/** Checks an (authenticated) protected header against the context expected; ForbiddenError when it is another's. */
export function checkContext(header: Record<string, unknown>, context: SealContext): void {
  const expected = contextClaims(context)
  const misdirected = (what: string) =>
    new ForbiddenError(`This sealed credential is for ${what}, not for ${describe(context)}`, { code: 'SEALED_CREDENTIAL_MISDIRECTED' })
  if (header.aud !== expected.aud) throw misdirected(`recipient ${String(header.aud)}`)
  for (const claim of CONTEXT_CLAIMS) {
    if (header[claim] !== expected[claim]) throw misdirected(header[claim] === undefined ? `another kind of object than ${claim}` : `${claim} ${String(header[claim])}`)
  }
}

const describe = (context: SealContext) => Object.entries(contextClaims(context)).map(([k, v]) => `${k} ${v}`).join(', ')

export const invalidSealed = (message: string, cause?: unknown) =>
  new ValidationError(`Sealed credential rejected: ${message}`, { code: 'SEALED_CREDENTIAL_INVALID', ...(cause === undefined ? {} : { cause }) })

/** The `aud` a compact JWE's protected header names, unauthenticated (to decide what to do before opening); undefined when unreadable. */
export function sealedAudience(jwe: string): string | undefined {
  try {
    const part = jwe.slice(0, jwe.indexOf('.'))
    const header: unknown = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')))
    return header && typeof header === 'object' && typeof (header as { aud?: unknown }).aud === 'string' ? (header as { aud: string }).aud : undefined
  } catch {
    return undefined
  }
}
