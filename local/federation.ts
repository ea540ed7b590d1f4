import type { PeerProtocol, Role } from '../core/peers/model.ts'

/** One participant of the embedded local federation (the seed's "two nodes in different domains"). */
export interface LocalParticipant {
  id: string
  domain: string
  role: Role
  port: number
  /** Sells capacity: seeded with sample flavours, published to its aggregators. */
  seller?: boolean
  /** Ids of the participants it knows. */
  knows: string[]
  protocol?: PeerProtocol
}

export const DEFAULT_FEDERATION: readonly LocalParticipant[] = [
  { id: 'consumer-node', domain: 'consumer.local', role: 'node', port: 30000, knows: ['consumer-supernode'] },
  { id: 'provider-node', domain: 'provider.local', role: 'node', port: 30001, seller: true, knows: ['provider-supernode', 'catalog'] },
  { id: 'consumer-supernode', domain: 'consumer.local', role: 'supernode', port: 30010, knows: ['consumer-node', 'provider-supernode', 'catalog'] },
  { id: 'provider-supernode', domain: 'provider.local', role: 'supernode', port: 30011, knows: ['provider-node', 'consumer-supernode'] },
  { id: 'catalog', domain: 'catalog.local', role: 'catalog', port: 30020, knows: ['provider-node'] },
]

/** Moves every participant's port by the same offset, so several federations can run side by side. */
export const withPortOffset = (federation: readonly LocalParticipant[], offset: number): LocalParticipant[] =>
  federation.map((p) => ({ ...p, port: p.port + offset }))
