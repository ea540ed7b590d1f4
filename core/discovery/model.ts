import type { Flavour } from '../flavours/model.ts'
import type { Selector } from '../flavours/selector.ts'

/**
 * A flavour offered by another participant, and how to reach it. `route` lists participant ids from
 * the first hop to the provider (inclusive); the reservation chain walks it.
 */
export interface RemoteFlavour {
  flavour: Flavour
  route: string[]
  seenAt: Date
  /** Never offered at or after this instant (stale); refreshed or dropped. */
  expiresAt: Date
}

/** A flavour found by one participant: `route` runs from that participant (inclusive) to the provider. */
export interface DiscoveredFlavour {
  flavour: Flavour
  route: string[]
}

export interface PeerFailure {
  peerId: string
  kind: 'timeout' | 'unreachable' | 'status' | 'invalid-answer'
  reason: string
}

/** LIST_FLAVOURS as relayed between participants (XFSC-style distributed search). */
export interface RelayRequest {
  selector: Selector
  /** Participants already on this request's path, the asker included: never asked again. */
  visited: string[]
  /** How many more relays may follow this one; 0 answers from local knowledge only. */
  hopsLeft: number
  correlationId: string
  /** How long the asker waits for the answer, in milliseconds. */
  budgetMs: number
}

export interface RelayAnswer {
  results: DiscoveredFlavour[]
  /** Peers that timed out or failed, here or further down (their ids, as reported). */
  failed: PeerFailure[]
}

export const providerKey = (flavour: Flavour): string => `${flavour.owner.id || flavour.providerId}#${flavour.id}`
