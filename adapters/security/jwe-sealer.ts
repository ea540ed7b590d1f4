import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, importJWK } from 'jose'
import type { CryptoKey } from 'jose'
import type { CredentialSealer, SealContext, SealRecipient } from '../../core/security/credential-sealer.ts'
import { MAX_SEALED_LENGTH, checkContext, contextClaims, invalidSealed, isSealed } from '../../core/security/credential-sealer.ts'
import type { SealingKeyRing, SealingPrivateJwk, SealingPublicJwk } from '../../core/security/ports.ts'
import { SEALING_ALGORITHM, SEALING_ENCRYPTION, publicSealingKeys } from '../../core/security/sealing-keys.ts'
import { ForbiddenError, ValidationError } from '../../core/shared/errors.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Compact JWE with jose: `ECDH-ES+A256KW` over X25519, `A256GCM`, `kid` of the recipient's key, and the
 * context (`aud`, `rear.contractId` / `rear.transactionId` / `rear.chainId`) in the protected header, so
 * it is authenticated with the ciphertext. Opens with any key of this participant's ring (rotation).
 */
export class JweSealer implements CredentialSealer {
  readonly self: SealRecipient
  private readonly privateKeys = new Map<string, Promise<CryptoKey | Uint8Array>>()
  private readonly publicKeys = new Map<string, Promise<CryptoKey | Uint8Array>>()

  constructor(
    selfId: string,
    private readonly ring: SealingKeyRing,
  ) {
    this.self = { id: selfId, keys: publicSealingKeys(ring) }
  }

  async seal(plaintext: string, recipient: SealRecipient, context: SealContext): Promise<string> {
    const key = recipient.keys[0]
    if (!key) throw new ValidationError(`${recipient.id} has no sealing key to seal a credential to`, { code: 'SEALING_KEY_MISSING' })
    if (context.audience !== recipient.id) throw new ValidationError(`A credential for ${recipient.id} must name it as its audience`, { code: 'SEALING_CONTEXT_INVALID' })
    return new CompactEncrypt(encoder.encode(plaintext))
      .setProtectedHeader({ alg: SEALING_ALGORITHM, enc: SEALING_ENCRYPTION, kid: key.kid, ...contextClaims(context) })
      .encrypt(await this.importPublic(key))
  }

  async open(jwe: string, context: SealContext): Promise<string> {
    if (typeof jwe !== 'string' || !isSealed(jwe)) throw invalidSealed(`not a compact JWE of at most ${MAX_SEALED_LENGTH} characters`)
    let header: Record<string, unknown>
    try {
      header = decodeProtectedHeader(jwe) as Record<string, unknown>
    } catch (cause) {
      throw invalidSealed('its protected header is unreadable', cause)
    }
    if (header.aud !== context.audience) {
      throw new ForbiddenError(`This sealed credential is for ${String(header.aud)}, not ${context.audience}`, { code: 'SEALED_CREDENTIAL_MISDIRECTED' })
    }
    const jwk = [this.ring.current, ...this.ring.previous].find((k) => k.kid === header.kid)
    if (!jwk) throw new ValidationError(`No sealing key ${String(header.kid)} of ${context.audience} opens this credential`, { code: 'SEALING_KEY_UNKNOWN' })
    let opened: Awaited<ReturnType<typeof compactDecrypt>>
    try {
      opened = await compactDecrypt(jwe, await this.importPrivate(jwk), {
        keyManagementAlgorithms: [SEALING_ALGORITHM],
        contentEncryptionAlgorithms: [SEALING_ENCRYPTION],
      })
    } catch (cause) {
      throw invalidSealed('it does not decrypt with the key its kid names (tampered with, or corrupted)', cause)
    }
    checkContext(opened.protectedHeader as Record<string, unknown>, context)
    try {
      return decoder.decode(opened.plaintext)
    } catch (cause) {
      throw invalidSealed('its plaintext is not UTF-8', cause)
    }
  }

  private importPrivate(jwk: SealingPrivateJwk) {
    let key = this.privateKeys.get(jwk.kid)
    if (!key) this.privateKeys.set(jwk.kid, (key = importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }, SEALING_ALGORITHM)))
    return key
  }

  private importPublic(jwk: SealingPublicJwk) {
    const cacheKey = `${jwk.kid}:${jwk.x}`
    let key = this.publicKeys.get(cacheKey)
    if (!key) {
      if (this.publicKeys.size > 256) this.publicKeys.clear()
      this.publicKeys.set(cacheKey, (key = importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, SEALING_ALGORITHM)))
    }
    return key
  }
}
