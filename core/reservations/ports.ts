import type { Transaction } from './model.ts'

/** The per-buyer limit a new hold is checked against: at most `max` live holds of `tx.buyer.id` at `now`. */
export interface HoldCap {
  max: number
  now: Date
}

/**
 * Provider-side reservations. Every write is atomic (one DynamoDB transaction) and guarded, so that
 * concurrent buyers can never together hold more than a pool has free.
 */
export interface ReservationRepository {
  getTransaction(id: string): Promise<Transaction | undefined>
  /** The transaction the (reservation key, flavour) key points at, whatever its state. */
  findByBuyer(reservationKey: string, flavourId: string): Promise<Transaction | undefined>
  /**
   * Writes `tx` and its hold, decrementing the pool's free capacity, iff the flavour is still the
   * pool's current one (else {@link FlavourGoneError}), the pool has `tx.hold` free (else
   * {@link CapacityUnavailableError}), no other live key exists (else {@link ReservationKeyTakenError})
   * and, given a `cap`, the buyer has fewer than `cap.max` live holds (else {@link TooManyHoldsError};
   * concurrent reserves of one buyer never together exceed it).
   */
  createHold(tx: Transaction, cap?: HoldCap): Promise<void>
  /** Replaces `previous` by `next` (same id; new hold, configuration, expiry) iff `previous.version` is current. */
  updateHold(previous: Transaction, next: Transaction): Promise<void>
  /**
   * Moves a reserved transaction's expiry to `expiresAt` (a repeated reservation with the same
   * configuration); given `now`, only while it has not expired by then (else a ContentionError).
   */
  extendHold(tx: Transaction, expiresAt: Date, now?: Date): Promise<void>
  /** Gives a reserved transaction's hold back to its pool and marks it; false when it was no longer reserved. */
  releaseHold(tx: Transaction, status: 'expired' | 'released', at: Date): Promise<boolean>
  /** Reserved transactions whose expiry is at or before `now`, oldest first; `poolId` narrows to one pool. */
  listExpired(now: Date, options: { limit: number; poolId?: string }): Promise<Transaction[]>
}
