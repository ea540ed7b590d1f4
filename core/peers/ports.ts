import type { Peer } from './model.ts'

/** The peer registry of a participant; managed by the admin API and local-mode configuration. */
export interface PeerRepository {
  list(): Promise<Peer[]>
  get(id: string): Promise<Peer | undefined>
  /** Creates or replaces a peer (idempotent). */
  put(peer: Peer): Promise<void>
  /** Removes a peer; removing an unknown one changes nothing. */
  delete(id: string): Promise<void>
}
