import type { Role } from '../functions/http/create-app.ts'

/** One participant of the embedded local federation (the seed's "two nodes in different domains"). */
export interface LocalParticipant {
  id: string
  domain: string
  role: Role
  port: number
  /** Sells capacity: seeded with sample flavours. */
  seller?: boolean
}

export const DEFAULT_FEDERATION: readonly LocalParticipant[] = [
  { id: 'consumer-node', domain: 'consumer.local', role: 'node', port: 30000 },
  { id: 'provider-node', domain: 'provider.local', role: 'node', port: 30001, seller: true },
]

/** Moves every participant's port by the same offset, so several federations can run side by side. */
export const withPortOffset = (federation: readonly LocalParticipant[], offset: number): LocalParticipant[] =>
  federation.map((p) => ({ ...p, port: p.port + offset }))
