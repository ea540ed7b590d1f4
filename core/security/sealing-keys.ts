import * as z from 'zod'
import { ValidationError } from '../shared/errors.ts'
import type { PeerPublicJwk, PublicJwk, SealingKeyRing, SealingPrivateJwk, SealingPublicJwk } from './ports.ts'

const B64URL_32 = /^[A-Za-z0-9_-]{43}$/
const kid = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, underscores, colons or hyphens')

export const SEALING_ALGORITHM = 'ECDH-ES+A256KW'
export const SEALING_ENCRYPTION = 'A256GCM'

/** An X25519 public JWK for sealing (`use: enc`); private members are refused so a secret is never stored as a peer key. */
export const sealingPublicJwkSchema = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('X25519'),
  x: z.string().regex(B64URL_32, 'must be the base64url of 32 bytes'),
  kid,
  use: z.literal('enc'),
  alg: z.literal(SEALING_ALGORITHM).optional(),
})

export const sealingPrivateJwkSchema = sealingPublicJwkSchema.extend({
  use: z.literal('enc').optional(),
  d: z.string().regex(B64URL_32, 'must be the base64url of 32 bytes'),
})

/** Old sealing keys kept to open what was sealed to them; beyond that a key should have been re-sealed away from. */
export const MAX_PREVIOUS_SEALING_KEYS = 8

const sealingRingSchema = z
  .strictObject({ current: sealingPrivateJwkSchema, previous: z.array(sealingPrivateJwkSchema).max(MAX_PREVIOUS_SEALING_KEYS).optional() })
  .refine((ring) => new Set([ring.current.kid, ...(ring.previous ?? []).map((k) => k.kid)]).size === 1 + (ring.previous?.length ?? 0), {
    message: 'every key needs its own kid',
    path: ['previous'],
  })

/** The public half of a sealing key, as published and registered. */
export const sealingPublicPart = ({ kty, crv, x, kid: id }: Pick<SealingPublicJwk, 'kty' | 'crv' | 'x' | 'kid'>): SealingPublicJwk => ({ kty, crv, x, kid: id, use: 'enc', alg: SEALING_ALGORITHM })

/** A registered key reduced to its public members, whichever kind it is. */
export function peerKeyOf(jwk: PublicJwk | Pick<SealingPublicJwk, 'kty' | 'crv' | 'x' | 'kid'>): PeerPublicJwk {
  if (jwk.crv === 'X25519') return sealingPublicPart(jwk)
  const { kty, crv, x, kid: id, exp } = jwk
  return { kty, crv, x, kid: id, ...(exp ? { exp } : {}) }
}

export const isSigningKey = (jwk: PeerPublicJwk): jwk is PublicJwk => jwk.crv === 'Ed25519'
export const isSealingKey = (jwk: PeerPublicJwk): jwk is SealingPublicJwk => jwk.crv === 'X25519'

/** The sealing keys among a peer's registered ones, in registration order (the first is the one to seal to). */
export const sealingKeysOf = (keys: readonly PeerPublicJwk[] | undefined): SealingPublicJwk[] => (keys ?? []).filter(isSealingKey)

/** The signing keys among a peer's registered ones. */
export const signingKeysOf = (keys: readonly PeerPublicJwk[] | undefined): PublicJwk[] => (keys ?? []).filter(isSigningKey)

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0]
  return `${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'malformed'}`
}

/**
 * `SEALING_KEYS`: `{ current, previous? }` with X25519 private JWKs. Others seal to `current`; `previous`
 * keys are kept to open credentials sealed to them before a rotation. Throws ValidationError naming the problem.
 */
export function parseSealingKeyRing(text: string, name = 'SEALING_KEYS'): SealingKeyRing {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new ValidationError(`${name} is not JSON`, { code: 'INVALID_SEALING_KEYS', cause })
  }
  const parsed = sealingRingSchema.safeParse(value)
  if (!parsed.success) throw new ValidationError(`${name} ${firstIssue(parsed.error)}`, { code: 'INVALID_SEALING_KEYS' })
  const only = (jwk: z.output<typeof sealingPrivateJwkSchema>): SealingPrivateJwk => ({ ...sealingPublicPart(jwk), d: jwk.d })
  return { current: only(parsed.data.current), previous: (parsed.data.previous ?? []).map(only) }
}

/** What `GET /.well-known/rear-keys` adds for sealing: the current public key only (senders seal to the newest). */
export const publicSealingKeys = (ring: SealingKeyRing): SealingPublicJwk[] => [sealingPublicPart(ring.current)]
