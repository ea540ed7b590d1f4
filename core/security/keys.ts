import * as z from 'zod'
import { ValidationError } from '../shared/errors.ts'
import type { KeyRing, PeerPublicJwk, PrivateJwk, PublicJwk, ResolvedKey, VerifiedCaller } from './ports.ts'
import { peerKeyOf, sealingPublicJwkSchema } from './sealing-keys.ts'

const B64URL_32 = /^[A-Za-z0-9_-]{43}$/
/** A key id within its owner: what follows `#` in a signature's `keyid`. */
const kid = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, underscores, colons or hyphens')

/** An Ed25519 public JWK; private members are refused so a secret is never stored as a peer key. */
export const publicJwkSchema = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().regex(B64URL_32, 'must be the base64url of 32 bytes'),
  kid,
  exp: z.number().int().positive().optional(),
  alg: z.enum(['EdDSA', 'Ed25519']).optional(),
  use: z.literal('sig').optional(),
})

export const privateJwkSchema = publicJwkSchema.extend({ d: z.string().regex(B64URL_32, 'must be the base64url of 32 bytes') })

/** At most this many public keys per peer: a current one, a previous one, and room for a rotation in flight. */
export const MAX_PEER_KEYS = 4

export const publicKeysSchema = z.array(publicJwkSchema).max(MAX_PEER_KEYS, `at most ${MAX_PEER_KEYS} keys`)

/** A peer's registered keys: Ed25519 to verify its signatures and X25519 (`use: enc`) to seal to it, at most {@link MAX_PEER_KEYS} of each. */
export const peerPublicKeysSchema = z
  .array(z.discriminatedUnion('crv', [publicJwkSchema, sealingPublicJwkSchema]))
  .max(2 * MAX_PEER_KEYS, `at most ${2 * MAX_PEER_KEYS} keys`)
  .refine((keys) => keys.filter((k) => k.crv === 'Ed25519').length <= MAX_PEER_KEYS, `at most ${MAX_PEER_KEYS} signing keys`)
  .refine((keys) => keys.filter((k) => k.crv === 'X25519').length <= MAX_PEER_KEYS, `at most ${MAX_PEER_KEYS} sealing keys`)

const keyRingSchema = z
  .strictObject({ current: privateJwkSchema, previous: privateJwkSchema.optional(), previousUntil: z.iso.datetime({ offset: true }).optional() })
  .refine((ring) => !ring.previous || ring.previousUntil, { message: 'previous needs previousUntil', path: ['previousUntil'] })
  .refine((ring) => !ring.previous || ring.previous.kid !== ring.current.kid, { message: 'previous must have another kid than current', path: ['previous', 'kid'] })

const strip = ({ kty, crv, x, kid: id, exp }: PublicJwk): PublicJwk => ({ kty, crv, x, kid: id, ...(exp ? { exp } : {}) })

/** The public half of a private JWK. */
export const publicPart = (jwk: PrivateJwk | PublicJwk): PublicJwk => strip(jwk)

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0]
  return `${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'malformed'}`
}

/** `SIGNING_KEYS`: `{ current, previous?, previousUntil? }` with Ed25519 private JWKs. Throws ValidationError naming the problem. */
export function parseKeyRing(text: string, name = 'SIGNING_KEYS'): KeyRing {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new ValidationError(`${name} is not JSON`, { code: 'INVALID_SIGNING_KEYS', cause })
  }
  const parsed = keyRingSchema.safeParse(value)
  if (!parsed.success) throw new ValidationError(`${name} ${firstIssue(parsed.error)}`, { code: 'INVALID_SIGNING_KEYS' })
  const { current, previous, previousUntil } = parsed.data
  const only = (jwk: z.output<typeof privateJwkSchema>): PrivateJwk => ({ ...strip(jwk), d: jwk.d })
  return { current: only(current), ...(previous && previousUntil ? { previous: only(previous), previousUntil: new Date(previousUntil) } : {}) }
}

/** A JWK set (`{ "keys": [...] }`) or a bare array of Ed25519 public JWKs, e.g. `AGENT_PUBLIC_KEYS`. */
export function parsePublicKeys(text: string, name = 'AGENT_PUBLIC_KEYS'): PublicJwk[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new ValidationError(`${name} is not JSON`, { code: 'INVALID_PUBLIC_KEYS', cause })
  }
  const list = value && typeof value === 'object' && !Array.isArray(value) && 'keys' in value ? (value as { keys: unknown }).keys : value
  const parsed = publicKeysSchema.safeParse(list)
  if (!parsed.success) throw new ValidationError(`${name} ${firstIssue(parsed.error)}`, { code: 'INVALID_PUBLIC_KEYS' })
  return parsed.data.map(strip)
}

/** At most this many participants in a `PEER_PUBLIC_KEYS` directory. */
export const MAX_DIRECTORY_PARTICIPANTS = 256

const directorySchema = z
  .record(z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'participant ids are 1 to 128 letters, digits, dots, underscores, colons or hyphens'), peerPublicKeysSchema)
  .refine((map) => Object.keys(map).length <= MAX_DIRECTORY_PARTICIPANTS, `at most ${MAX_DIRECTORY_PARTICIPANTS} participants`)

/**
 * `PEER_PUBLIC_KEYS`: `{ "<participantId>": [JWK, ...] }`, keys of participants that are not routing peers
 * (e.g. one answering at a reply address); a registered peer's own `publicKeys` come first.
 */
export function parseKeyDirectory(text: string, name = 'PEER_PUBLIC_KEYS'): Record<string, PeerPublicJwk[]> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new ValidationError(`${name} is not JSON`, { code: 'INVALID_PUBLIC_KEYS', cause })
  }
  const parsed = directorySchema.safeParse(value)
  if (!parsed.success) throw new ValidationError(`${name} ${firstIssue(parsed.error)}`, { code: 'INVALID_PUBLIC_KEYS' })
  return Object.fromEntries(Object.entries(parsed.data).map(([id, keys]) => [id, keys.map(peerKeyOf)]))
}

/** What `GET /.well-known/rear-keys` serves: the current public key, and the previous one with its deadline as `exp`. */
export function publicKeySet(ring: KeyRing): { keys: PublicJwk[] } {
  const previous = ring.previous && ring.previousUntil ? [{ ...publicPart(ring.previous), exp: Math.floor(ring.previousUntil.getTime() / 1000) }] : []
  return { keys: [publicPart(ring.current), ...previous] }
}

/** The `keyid` a participant signs with: `<participantId>#<kid>`; the agent's is `agent#<kid>`. */
export const keyIdOf = (owner: string, jwk: PublicJwk) => `${owner}#${jwk.kid}`

export const AGENT_KEY_OWNER = 'agent'

/** Splits a `keyid` into its owner and kid; undefined when it is not `<owner>#<kid>`. */
export function splitKeyId(keyId: string): { owner: string; kid: string } | undefined {
  const at = keyId.indexOf('#')
  if (at <= 0 || at === keyId.length - 1) return undefined
  return { owner: keyId.slice(0, at), kid: keyId.slice(at + 1) }
}

/** A registered key still inside its grace period at `now` (a key without `exp` never lapses). */
export const keyLive = (jwk: PublicJwk, now: Date) => jwk.exp === undefined || jwk.exp * 1000 > now.getTime()

/** The key named by `kid` among `keys`, standing for `caller`. */
export function findKey(keys: readonly PublicJwk[], keyId: string, kidWanted: string, caller: Omit<VerifiedCaller, 'keyId'>): ResolvedKey | undefined {
  const jwk = keys.find((k) => k.kid === kidWanted)
  return jwk ? { caller: { ...caller, keyId }, jwk } : undefined
}
