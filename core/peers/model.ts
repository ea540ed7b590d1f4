import type { PeerPublicJwk } from '../security/ports.ts'

/** What a REAR participant does: a node sells and buys, a supernode relays for its domain, a catalog aggregates offers. */
export const ROLES = ['node', 'supernode', 'catalog'] as const
export type Role = (typeof ROLES)[number]

/** How we talk to a peer: rear-cloud's relay protocol, or an unmodified FLUIDOS Go node's `/api/v2`. */
export const PEER_PROTOCOLS = ['rear-cloud', 'fluidos-go'] as const
export type PeerProtocol = (typeof PEER_PROTOCOLS)[number]

/** A participant this one knows (the peer registry; KnownCluster in FLUIDOS). */
export interface Peer {
  id: string
  domain: string
  role: Role
  /** Base URL of its REAR API, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com` or `http://127.0.0.1:30011`. */
  baseUrl: string
  protocol: PeerProtocol
  /** Its Ed25519 public keys (at most 4), which its signed calls must verify with, and X25519 ones (at most 4) credentials are sealed to. */
  publicKeys?: PeerPublicJwk[]
  /** A FLUIDOS Go peer that cannot sign: its unsigned calls are accepted, only from `address`, and logged. */
  legacyUnsigned?: { address: string }
}
