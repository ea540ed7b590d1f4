import type { Clock, Logger } from '../shared/ports.ts'
import type { ReservationRepository } from './ports.ts'

export interface SweepDeps {
  reservations: ReservationRepository
  clock: Clock
  logger: Logger
}

/**
 * The expiry sweeper (cron). Reads already refuse expired transactions; this gives their held
 * capacity back to the pools. Safe to run concurrently or twice: a release happens at most once.
 * Returns how many holds were released.
 */
export async function releaseExpiredHolds(deps: SweepDeps, options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 100
  const maxBatches = options.maxBatches ?? 50
  let released = 0
  for (let batch = 0; batch < maxBatches; batch++) {
    const now = deps.clock.now()
    const expired = await deps.reservations.listExpired(now, { limit: batchSize })
    for (const tx of expired) {
      if (await deps.reservations.releaseHold(tx, 'expired', now)) {
        released++
        deps.logger.info('RESERVATION_EXPIRED', { transactionId: tx.id, flavourId: tx.flavourId, by: 'sweeper' })
      }
    }
    if (expired.length < batchSize) break
  }
  return released
}
