import * as z from 'zod'
import type { PeerRegistration } from '../peers/register-peer.ts'
import { PEER_PROTOCOLS, ROLES } from '../peers/model.ts'
import { decodeWith, wireId, wireText } from './wire-object.ts'
import { peerPublicKeysSchema } from '../security/keys.ts'
import { peerKeyOf } from '../security/sealing-keys.ts'

/** A registered peer, as the admin API shows it. */
export const peerWire = z.strictObject({
  id: wireId,
  domain: wireText(256).default(''),
  role: z.enum(ROLES),
  baseUrl: wireText(2048).min(1, 'must not be empty'),
  protocol: z.enum(PEER_PROTOCOLS),
  /** Its public JWKs (its `/.well-known/rear-keys`): Ed25519 a signed call from it verifies with, X25519 (`use: enc`) credentials are sealed to. */
  publicKeys: peerPublicKeysSchema.optional(),
  /** A FLUIDOS Go peer that cannot sign: unsigned calls accepted from this address only. */
  legacyUnsigned: z.strictObject({ address: z.union([z.ipv4(), z.ipv6()]) }).optional(),
})

/** A registration: without `protocol`, the base URL is probed for it. */
export const peerRegistrationWire = peerWire.extend({ protocol: z.enum(PEER_PROTOCOLS).optional() })

/** The answer to a registration: the peer and what probing its base URL found. */
export const admittedPeerWire = peerWire.extend({
  reachable: z.boolean(),
  protocolSource: z.enum(['given', 'probed']),
  probe: z.string(),
})

/** A peer registration (our admin API; `id` comes from the path when given there). */
export function peerRegistrationFromWire(body: unknown): PeerRegistration {
  const wire = decodeWith(peerRegistrationWire, body, 'peer')
  return {
    id: wire.id,
    domain: wire.domain,
    role: wire.role,
    baseUrl: wire.baseUrl,
    ...(wire.protocol ? { protocol: wire.protocol } : {}),
    ...(wire.publicKeys ? { publicKeys: wire.publicKeys.map(peerKeyOf) } : {}),
    ...(wire.legacyUnsigned ? { legacyUnsigned: { address: wire.legacyUnsigned.address } } : {}),
  }
}
