/** An Ed25519 public key as a JWK, named by its `kid`; `exp` (epoch seconds) ends a retired key's grace period. */
export interface PublicJwk {
  kty: 'OKP'
  crv: 'Ed25519'
  x: string
  kid: string
  exp?: number
}

/** An Ed25519 private key as a JWK (its public half included). */
export interface PrivateJwk extends PublicJwk {
  d: string
}

/** An X25519 public key for sealing credentials to its owner (JWE `ECDH-ES+A256KW`), named by its `kid`. */
export interface SealingPublicJwk {
  kty: 'OKP'
  crv: 'X25519'
  x: string
  kid: string
  use: 'enc'
  alg: 'ECDH-ES+A256KW'
}

/** An X25519 private key as a JWK (its public half included). */
export interface SealingPrivateJwk extends SealingPublicJwk {
  d: string
}

/** A key a peer is registered with: Ed25519 to verify its signatures, X25519 to seal credentials to it. */
export type PeerPublicJwk = PublicJwk | SealingPublicJwk

/** A participant's sealing keys: what others seal to is `current`; `previous` ones still open what was sealed to them (rotation). */
export interface SealingKeyRing {
  current: SealingPrivateJwk
  previous: SealingPrivateJwk[]
}

/** A participant's (or agent's) signing keys: it signs with `current`; `previous` stays valid until `previousUntil`. */
export interface KeyRing {
  current: PrivateJwk
  previous?: PrivateJwk
  previousUntil?: Date
}

/** Who signed a request, once its signature is verified. */
export interface VerifiedCaller {
  kind: 'peer' | 'agent'
  id: string
  keyId: string
}

/** A key a `keyid` names, with whom it stands for. */
export interface ResolvedKey {
  caller: VerifiedCaller
  jwk: PublicJwk
}

/** Finds the public key a signature's `keyid` (`<owner>#<kid>`) names; undefined when nobody registered it. */
export interface KeyResolver {
  resolve(keyId: string): Promise<ResolvedKey | undefined>
}

/** Signs an outgoing request: the headers to send it with (`Content-Digest`, `Signature-Input`, `Signature`). */
export interface RequestSigner {
  readonly keyId: string
  sign(request: Request): Promise<Headers>
}

/** Verifies an incoming signed request: its signer, or an UnauthorizedError coded `SIGNATURE_*` / `CONTENT_DIGEST_MISMATCH`. */
export interface RequestVerifier {
  verify(request: Request): Promise<VerifiedCaller>
}

/** Nonces seen within their signature's validity; `claim` is false when the nonce was already claimed (a replay). */
export interface NonceStore {
  claim(keyId: string, nonce: string, until: Date): Promise<boolean>
}
