import type { Peer, PeerProtocol, Role } from './model.ts'

/** The peer registry of a participant; managed by the admin API and local-mode configuration. */
export interface PeerRepository {
  list(): Promise<Peer[]>
  get(id: string): Promise<Peer | undefined>
  /** Creates or replaces a peer (idempotent). */
  put(peer: Peer): Promise<void>
  /** Removes a peer; removing an unknown one changes nothing. */
  delete(id: string): Promise<void>
}

/** What asking a base URL told about the participant behind it. */
export interface ProbeAnswer {
  reachable: boolean
  /** The protocol it answered in, when it answered as one. */
  protocol?: PeerProtocol
  /** Its id and role, when it said (rear-cloud's `/healthz`). */
  participant?: string
  role?: Role
  /** What was asked and what came back, for the operator. */
  detail: string
}

/**
 * Asks a base URL before it is registered: rear-cloud's `/healthz`, a FLUIDOS Go node's
 * `/api/v2/flavors`, or both when the protocol is not given.
 */
export interface PeerProbe {
  probe(target: { id: string; baseUrl: string }, protocol: PeerProtocol | undefined, timeoutMs: number): Promise<ProbeAnswer>
}
