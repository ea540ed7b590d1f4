import { ContentionError, NotFoundError } from '../shared/errors.ts'
import type { Clock, Logger } from '../shared/ports.ts'
import { NotYourTransactionError, TransactionPurchasedError } from './errors.ts'
import type { Transaction } from './model.ts'
import type { ReservationRepository } from './ports.ts'

export interface CancelDeps {
  reservations: ReservationRepository
  clock: Clock
  logger: Logger
}

/** Who asks, when known: a signed peer may only act on transactions it is the buyer of. */
export interface BuyerCheck {
  buyerId?: string
}

/** The transaction, refused with {@link NotYourTransactionError} when `check.buyerId` is given and is not its buyer; undefined when unknown. */
export async function transactionOfBuyer(reservations: ReservationRepository, transactionId: string, check: BuyerCheck): Promise<Transaction | undefined> {
  const tx = await reservations.getTransaction(transactionId)
  if (tx && check.buyerId !== undefined && tx.buyer.id !== check.buyerId) throw new NotYourTransactionError(transactionId)
  return tx
}

/**
 * CANCEL (rear-cloud peers; `DELETE /api/v2/transactions/{id}`): gives a reserved transaction's hold
 * back to its pool and answers it as released. Idempotent: a released or expired transaction is
 * answered as it is. 404 unknown; 409 purchased (the chain's release tears a sale down).
 */
export async function cancelReservation(deps: CancelDeps, transactionId: string, check: BuyerCheck = {}): Promise<Transaction> {
  for (let round = 0; round < 3; round++) {
    const tx = await transactionOfBuyer(deps.reservations, transactionId, check)
    if (!tx) throw new NotFoundError('Transaction', transactionId)
    if (tx.status === 'purchased') throw new TransactionPurchasedError(tx.id)
    if (tx.status !== 'reserved') return tx
    const at = deps.clock.now()
    if (await deps.reservations.releaseHold(tx, 'released', at)) {
      deps.logger.info('RESERVATION_RELEASED', { transactionId: tx.id, flavourId: tx.flavourId, by: 'buyer' })
      return { ...tx, status: 'released', version: tx.version + 1 }
    }
  }
  throw new ContentionError(`Transaction ${transactionId} kept changing while being cancelled`)
}
