import type { ResourceAmounts } from '../quantity/units.ts'
import type { Configuration, Flavour, NodeIdentity } from '../flavours/model.ts'

/**
 * Provider-side transaction lifecycle (golem-style explicit states):
 * reserved → purchased (contract made) | expired (TTL passed, hold released) | released (withdrawn).
 */
export type TransactionStatus = 'reserved' | 'purchased' | 'expired' | 'released'

/** A granted reservation: holds `hold` of the flavour's capacity pool until `expiresAt`. */
export interface Transaction {
  id: string
  flavourId: string
  poolId: string
  buyer: NodeIdentity
  /** What makes a reservation the same one again: the buyer id (FLUIDOS), or a chain's own key. */
  reservationKey: string
  /** The buyer's Liqo cluster id (wire `clusterID`). */
  clusterId: string
  /** Kept for peering (agent issue); never sent back to anyone. Sealed (a compact JWE) when the provider has sealing keys. */
  buyerKubeconfig?: string
  /** The configuration as asked for; absent means the whole flavour. */
  configuration?: Configuration
  /** Capacity held on the pool's ledger, in base units. */
  hold: ResourceAmounts
  /** The flavour as it was when reserved: what the buyer agreed to. */
  flavour: Flavour
  createdAt: Date
  expiresAt: Date
  status: TransactionStatus
  contractId?: string
  /** The Node allocation the purchase made, released if the sale is undone. */
  allocationId?: string
  version: number
}

/**
 * What RESERVE_FLAVOUR asks of the provider, whichever way it arrived (a Go client's body or a chain
 * hop), so the use case never depends on the wire shape.
 */
export interface ReserveRequest {
  flavourId: string
  /** Replaces the buyer id as the idempotency key (one reservation per chain, not per buyer). */
  reservationKey?: string
  buyer: NodeIdentity
  /** As received: a compact JWE sealed to this provider by a rear-cloud origin, or a FLUIDOS Go buyer's clear kubeconfig. */
  buyerKubeconfig?: string
  configuration?: Configuration
}

export const isLive = (tx: Transaction, now: Date): boolean => tx.status === 'reserved' && tx.expiresAt > now

/** How many live holds one buyer may have at once, unless the deployment says otherwise. */
export const DEFAULT_MAX_HOLDS_PER_BUYER = 5

/** Seconds until `at`, at least 1: what a `Retry-After` says. */
export const secondsUntil = (at: Date, now: Date): number => Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000))

/** The live holds' earliest expiry, as seconds from `now`: when a buyer at its cap may try again. */
export const retryAfterEarliest = (live: readonly Transaction[], now: Date): number =>
  secondsUntil(new Date(Math.min(...live.map((tx) => tx.expiresAt.getTime()))), now)
