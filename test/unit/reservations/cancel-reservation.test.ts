import { describe, expect, it } from 'vitest'
import { cancelReservation } from '../../../core/reservations/cancel-reservation.ts'
import { reserveFlavour } from '../../../core/reservations/reserve-flavour.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { NotFoundError } from '../../../core/shared/errors.ts'
import { NotYourTransactionError, TransactionPurchasedError } from '../../../core/reservations/errors.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { SequentialIds } from '../../support/sequential-ids.ts'
import { InMemoryProviderStore } from '../../support/in-memory-provider-store.ts'
import { aK8SliceFlavour, aReserveRequest } from '../../support/factories.ts'

const HOUR = 3_600_000

describe(cancelReservation.name, () => {
  it('gives a reserved hold back to its pool and answers the transaction as released', async () => {
    const { deps, store, logger } = await setup()
    const tx = await reserveFlavour(deps, aReserveRequest({ configuration: undefined }))
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(0)
    const cancelled = await cancelReservation(deps, tx.id)
    expect(cancelled).toMatchObject({ id: tx.id, status: 'released' })
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(8e9)
    expect(logger.named('RESERVATION_RELEASED')).toHaveLength(1)
  })

  it('is idempotent: cancelling again answers the released transaction and frees nothing twice', async () => {
    const { deps, store } = await setup()
    const tx = await reserveFlavour(deps, aReserveRequest())
    await cancelReservation(deps, tx.id)
    await expect(cancelReservation(deps, tx.id)).resolves.toMatchObject({ id: tx.id, status: 'released' })
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(8e9)
  })

  it('answers an expired transaction as it is', async () => {
    const { deps, store } = await setup()
    const tx = await reserveFlavour(deps, aReserveRequest())
    store.transactions.get(tx.id)!.status = 'expired'
    await expect(cancelReservation(deps, tx.id)).resolves.toMatchObject({ status: 'expired' })
  })

  it('refuses a purchased transaction with a conflict', async () => {
    const { deps, store } = await setup()
    const tx = await reserveFlavour(deps, aReserveRequest())
    store.transactions.get(tx.id)!.status = 'purchased'
    await expect(cancelReservation(deps, tx.id)).rejects.toBeInstanceOf(TransactionPurchasedError)
  })

  it('answers not found for an unknown transaction', async () => {
    const { deps } = await setup()
    await expect(cancelReservation(deps, 'nope')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('refuses a caller that is not the buyer and leaves the hold', async () => {
    const { deps, store } = await setup()
    const tx = await reserveFlavour(deps, aReserveRequest())
    await expect(cancelReservation(deps, tx.id, { buyerId: 'intruder' })).rejects.toBeInstanceOf(NotYourTransactionError)
    expect(store.transactions.get(tx.id)?.status).toBe('reserved')
    await expect(cancelReservation(deps, tx.id, { buyerId: 'consumer-1' })).resolves.toMatchObject({ status: 'released' })
  })

  async function setup() {
    const store = new InMemoryProviderStore()
    const clock = new FakeClock()
    const logger = new RecordingLogger()
    await publishFlavour(store.flavourRepository, aK8SliceFlavour())
    const deps = { flavours: store.flavourRepository, reservations: store.reservationRepository, clock, ids: new SequentialIds(), logger, transactionTtlMs: HOUR }
    return { deps, store, clock, logger }
  }
})
