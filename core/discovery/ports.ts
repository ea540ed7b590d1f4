import type { SupportedFlavourType } from '../flavours/model.ts'
import type { Peer } from '../peers/model.ts'
import type { PendingPublication, RelayAnswer, RelayRequest, RemoteFlavour } from './model.ts'

/**
 * Remote flavours a participant keeps: its Peering Candidates (found by discovery) or, on a supernode
 * or catalog, the flavours providers published to it. Keyed by (provider, flavour id).
 */
export interface RemoteFlavourRepository {
  /** Inserts or refreshes entries (a later `seenAt` wins). */
  put(entries: readonly RemoteFlavour[]): Promise<void>
  /** Entries of a type that are still fresh at `now`. */
  listFresh(type: SupportedFlavourType, now: Date): Promise<RemoteFlavour[]>
  /** Drops entries stale at `now`; returns how many. */
  removeStale(now: Date): Promise<number>
  /** Drops the entry of `flavourId` by `providerId`, if any: it was sold or superseded. */
  forget(providerId: string, flavourId: string): Promise<void>
  /** Entries of a type, stale ones too, in (provider, flavour) order after `after`: what an operator pages through. */
  page(type: SupportedFlavourType, options: { limit: number; after?: string }): Promise<RemoteFlavour[]>
}

/** Flavours providers published to this supernode or catalog; each publisher owns one set. */
export interface PublishedFlavourRepository extends RemoteFlavourRepository {
  /**
   * Makes `entries`, plus the entries keyed in `keep` (earlier parts of the same publication), the
   * publisher's whole set: new ones added, listed ones refreshed, others withdrawn. Ends any pending publication.
   */
  replaceSet(publisherId: string, entries: readonly RemoteFlavour[], keep?: readonly string[]): Promise<{ withdrawn: number }>
  /** The publication in progress from this publisher, if any. */
  pendingPublication(publisherId: string): Promise<PendingPublication | undefined>
  /** Adds or refreshes one part's entries (withdrawing nothing) and records the publication in progress. */
  putPart(publisherId: string, entries: readonly RemoteFlavour[], pending: PendingPublication): Promise<void>
}

/** Sends LIST_FLAVOURS to a peer in its own protocol; rejects on timeout, transport error or bad answer. */
export interface PeerGateway {
  listFlavours(peer: Peer, request: RelayRequest, timeoutMs: number): Promise<RelayAnswer>
}

/** One relay a participant served: which search, with how many hops left, remembered until when. */
export interface RelayVisit {
  correlationId: string
  /** What was asked within that search (selector and page, `answerKey`): one correlation id may carry several. */
  search: string
  hopsLeft: number
  expiresAt: Date
}

/**
 * The relays a supernode or catalog has served, so that a search reaching it along several paths fans
 * out from it once (relay calls then follow the peer graph's edges, not its paths). Shared by every
 * instance of the participant; a visit is kept until its `expiresAt` and then forgotten.
 */
export interface RelayVisits {
  /**
   * Records `visit` and answers true when this search (same correlation id and search key) was not
   * served here with at least as many hops left, by a visit still unexpired at `now`: then it fans out.
   * False for a repeat, which answers from current knowledge only. Atomic: of concurrent equal visits, one wins.
   */
  firstVisit(visit: RelayVisit, now: Date): Promise<boolean>
}
