import { ConflictError, ForbiddenError } from '../shared/errors.ts'

/** The flavour's pool has too little free capacity for the hold: someone else holds or bought it. */
export class CapacityUnavailableError extends ConflictError {
  constructor(flavourId: string) {
    super(`Flavour ${flavourId} no longer has the requested capacity free`, { code: 'CAPACITY_UNAVAILABLE' })
  }
}

/** Another live transaction already exists for this (buyer, flavour); the caller re-reads it. */
export class ReservationKeyTakenError extends ConflictError {
  constructor(buyerId: string, flavourId: string) {
    super(`A reservation of ${flavourId} by ${buyerId} is being made concurrently`, { code: 'RESERVATION_IN_PROGRESS' })
  }
}

/** The flavour was replaced or withdrawn between read and write. */
export class FlavourGoneError extends ConflictError {
  constructor(flavourId: string) {
    super(`Flavour ${flavourId} was replaced or withdrawn`, { code: 'FLAVOUR_GONE' })
  }
}

/** The buyer already holds this flavour under another configuration: it cancels that transaction first. */
export class ReservationExistsError extends ConflictError {
  constructor(readonly transactionId: string) {
    super(`Transaction ${transactionId} already holds this flavour for this buyer with another configuration; cancel it first`, {
      code: 'RESERVATION_EXISTS',
      details: { transactionId },
    })
  }
}

/** The buyer already has its maximum of live holds; `retryAfterSeconds` is when the earliest of them expires. */
export class TooManyHoldsError extends ConflictError {
  constructor(
    buyerId: string,
    readonly maxHolds: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`Buyer ${buyerId} already holds ${maxHolds} reservations; purchase, cancel or let one expire first`, {
      code: 'TOO_MANY_HOLDS',
      details: { maxHolds, retryAfterSeconds },
    })
  }
}

/** A purchased transaction is not cancelled: the chain's release tears the sale down. */
export class TransactionPurchasedError extends ConflictError {
  constructor(transactionId: string) {
    super(`Transaction ${transactionId} is purchased; release the sale instead`, { code: 'TRANSACTION_PURCHASED', details: { transactionId } })
  }
}

/** A signed peer names a buyer other than itself. */
export class BuyerNotSignerError extends ForbiddenError {
  constructor(buyerId: string, signer: string) {
    super(`The reservation names buyer ${buyerId} but is signed by ${signer}`, { code: 'BUYER_NOT_SIGNER' })
  }
}

/** A signed peer acts on a transaction whose buyer it is not. */
export class NotYourTransactionError extends ForbiddenError {
  constructor(transactionId: string) {
    super(`Transaction ${transactionId} belongs to another buyer`, { code: 'NOT_YOUR_TRANSACTION' })
  }
}
