import { generateKeyPairSync, randomBytes } from 'node:crypto'
import type { PrivateJwk } from '../../core/security/ports.ts'

/** A fresh Ed25519 key pair as a private JWK, named `kid` (random when not given). */
export function generateSigningKey(kid = `k-${randomBytes(6).toString('hex')}`): PrivateJwk {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, d: jwk.d!, kid }
}
