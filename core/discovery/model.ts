import type { IndexCursor } from '../catalog/index-cursor.ts'
import type { Flavour } from '../flavours/model.ts'
import type { QuantityFilter, Selector, StringFilter } from '../flavours/selector.ts'

/**
 * A flavour offered by another participant, and how to reach it. `route` lists participant ids from
 * the first hop to the provider (inclusive); the reservation chain walks it.
 */
export interface RemoteFlavour {
  flavour: Flavour
  route: string[]
  /** When this was known at its source: a publication's arrival, or a discovery's answer less the age it reported. */
  seenAt: Date
  /** Never offered at or after this instant (stale); refreshed or dropped. */
  expiresAt: Date
  /** The search whose answer this candidate was last learnt from (candidates only). */
  learntIn?: LearntIn
}

/**
 * One answer a participant learnt from its peers: the selector it asked, when, how many results it
 * kept, and how far the search could reach from here: the hops it had left and the peers it skipped
 * as already visited (their side was not asked). While every result is still known and younger than
 * the candidate TTL, the answer stands in for asking again a search that reaches no further (no more
 * hops left, those peers visited too); a result forgotten (sold) or aged out, or a search that
 * reaches further, sends the next one to the peers.
 */
export interface LearntIn {
  selector: string
  at: Date
  results: number
  /** The request's `hopsLeft` here (0 for an answer recorded before hops were). */
  hops: number
  /** Peers known here that the search did not ask because it had visited them (none for a search started here). */
  skipped: string[]
}

/** A flavour found by one participant: `route` runs from that participant (inclusive) to the provider. */
export interface DiscoveredFlavour {
  flavour: Flavour
  route: string[]
  /** How long ago this was known at its source, in milliseconds (0 or absent: read for this answer). */
  ageMs?: number
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
  /** Ask peers instead of answering from what was learnt before, here and at every relay. */
  fresh?: boolean
  /** Which results to answer, in result order ({@link resultOrder}); the first {@link DEFAULT_RELAY_PAGE} when absent. */
  page?: ResultPage
}

/** A keyset page: at most `limit` results, strictly after `after` in result order. */
export interface ResultPage {
  limit: number
  after?: IndexCursor
}

/** Results one relay answer carries when the asker names no limit. */
export const DEFAULT_RELAY_PAGE = 1_000
/** The most results one relay answer may carry, whatever the asker's limit. */
export const MAX_RELAY_PAGE = 5_000

export interface RelayAnswer {
  results: DiscoveredFlavour[]
  /** Peers that timed out or failed, here or further down (their ids, as reported). */
  failed: PeerFailure[]
  /** Where the next page starts: set iff more results may follow this page. */
  next?: IndexCursor
  /**
   * Some relay on the way answered a repeat of the search from its own knowledge only, so this answer
   * may lack what lies beyond it: the asker neither lets it stand in for the search nor forgets by it.
   */
  partial?: boolean
}

/** The most flavours one publication may carry across its parts: the publisher set is kept as one list of keys. */
export const MAX_PUBLISHED_FLAVOURS = 5_000

/** Which part of a publication sent in several this is: parts share the publication id and arrive in order, 1 to `count`. */
export interface PublicationPart {
  publication: string
  index: number
  count: number
}

/** A publication whose last part has not arrived: the parts received so far and the keys they named. */
export interface PendingPublication {
  publication: string
  count: number
  received: number
  keys: string[]
}

export const providerKey = (flavour: Flavour): string => `${flavour.owner.id || flavour.providerId}#${flavour.id}`

const filterText = (filter: QuantityFilter | StringFilter): string[] =>
  filter.kind === 'match' ? ['match', String(filter.value)] : ['range', filter.min?.toString() ?? '', filter.max?.toString() ?? '']

/** One text per distinct selector (filters sorted, quantities canonical): what a learnt answer was asked for. */
export function selectorKey(selector: Selector): string {
  const filters: Record<string, QuantityFilter | StringFilter> = selector.type === 'k8slice' ? { ...selector.quantities, ...selector.strings } : { ...selector.strings }
  const entries = Object.keys(filters)
    .sort()
    .map((name) => [name, ...filterText(filters[name]!)])
  return JSON.stringify([selector.type, ...entries])
}
