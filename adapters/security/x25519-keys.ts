import { generateKeyPairSync, randomBytes } from 'node:crypto'
import type { SealingPrivateJwk } from '../../core/security/ports.ts'
import { SEALING_ALGORITHM } from '../../core/security/sealing-keys.ts'

/** A fresh X25519 key pair for sealing as a private JWK, named `kid` (random when not given). */
export function generateSealingKey(kid = `e-${randomBytes(6).toString('hex')}`): SealingPrivateJwk {
  const jwk = generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' })
  return { kty: 'OKP', crv: 'X25519', x: jwk.x!, d: jwk.d!, kid, use: 'enc', alg: SEALING_ALGORITHM }
}
