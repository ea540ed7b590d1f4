import { describe, expect, it } from 'vitest'
import { reserveFlavour } from '../../../core/reservations/reserve-flavour.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { ContentionError, NotFoundError, UnsupportedFlavourTypeError, ValidationError } from '../../../core/shared/errors.ts'
import { CapacityUnavailableError, ReservationExistsError, TooManyHoldsError } from '../../../core/reservations/errors.ts'
import { cancelReservation } from '../../../core/reservations/cancel-reservation.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import type { Flavour } from '../../../core/flavours/model.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { SequentialIds } from '../../support/sequential-ids.ts'
import { InMemoryProviderStore } from '../../support/in-memory-provider-store.ts'
import { aBuyer, aK8SliceFlavour, aReserveRequest, aServiceFlavour } from '../../support/factories.ts'

const HOUR = 3_600_000
const GiB = 1024 ** 3

describe(reserveFlavour.name, () => {
  it('holds the configured capacity on the pool until the expiry', async () => {
    const { deps, store, clock } = await setup()
    const tx = await reserveFlavour(deps, aReserveRequest({ cpu: '2', memory: '4Gi', pods: '10' }))
    expect(tx.expiresAt.getTime()).toBe(clock.now().getTime() + HOUR)
    expect(tx.clusterId).toBe('liqo-consumer-1')
    expect(store.pools.get('provider.local-k8slice-0001')?.free).toMatchObject({ cpu: 6e9, memory: 12 * GiB, pods: 100 })
  })

  it('holds the whole flavour when no configuration is given', async () => {
    const { deps, store } = await setup()
    await reserveFlavour(deps, aReserveRequest({ configuration: undefined }))
    expect(store.pools.get('provider.local-k8slice-0001')?.free).toMatchObject({ cpu: 0, memory: 0, pods: 0 })
  })

  it('answers not found for an unknown flavour', async () => {
    const { deps } = await setup()
    await expect(reserveFlavour(deps, aReserveRequest({ flavourId: 'nope' }))).rejects.toBeInstanceOf(NotFoundError)
  })

  it('requires the buyer liqoID', async () => {
    const { deps } = await setup()
    const request = aReserveRequest({ buyer: aBuyer({ liqoId: undefined }) })
    await expect(reserveFlavour(deps, request)).rejects.toMatchObject({ code: 'LIQO_ID_REQUIRED' })
  })

  it.each([
    ['below the minimum', { cpu: '500m' }, /below the flavour minimum/],
    ['off the step', { memory: '1100Mi' }, /multiple of the step/],
    ['larger than the flavour', { cpu: '9' }, /exceeds/],
    ['zero pods', { pods: '0' }, /greater than zero/],
  ])('rejects a configuration %s', async (_, sizes, message) => {
    const { deps, store } = await setup()
    await expect(reserveFlavour(deps, aReserveRequest(sizes))).rejects.toThrow(message)
    expect(store.transactions.size).toBe(0)
  })

  it('rejects a configuration of the wrong type', async () => {
    const { deps } = await setup()
    const request = aReserveRequest({ configuration: { type: 'service', configurationData: {} } })
    await expect(reserveFlavour(deps, request)).rejects.toMatchObject({ code: 'CONFIGURATION_TYPE_MISMATCH' })
  })

  it('refuses with a conflict when the capacity is held by another buyer', async () => {
    const { deps } = await setup()
    await reserveFlavour(deps, aReserveRequest({ cpu: '6' }))
    const other = aReserveRequest({ cpu: '3', buyer: aBuyer({ id: 'consumer-2' }) })
    await expect(reserveFlavour(deps, other)).rejects.toBeInstanceOf(CapacityUnavailableError)
  })

  it('returns the same transaction to the same buyer, with a fresh expiry and no second hold', async () => {
    const { deps, store, clock } = await setup()
    const first = await reserveFlavour(deps, aReserveRequest())
    clock.advance(10 * 60_000)
    const second = await reserveFlavour(deps, aReserveRequest())
    expect(second.id).toBe(first.id)
    expect(second.expiresAt.getTime()).toBe(clock.now().getTime() + HOUR)
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(6e9)
  })

  it('refuses the takeover: another configuration under the same buyer leaves the live transaction as it was', async () => {
    const { deps, store } = await setup()
    const victim = await reserveFlavour(deps, aReserveRequest({ cpu: '2' }))
    await expect(reserveFlavour(deps, aReserveRequest({ cpu: '8' }))).rejects.toMatchObject({
      code: 'RESERVATION_EXISTS',
      details: { transactionId: victim.id },
    })
    const kept = store.transactions.get(victim.id)
    expect(kept?.configuration?.type === 'k8slice' && kept.configuration.cpu.toString()).toBe('2')
    expect(kept?.version).toBe(0)
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(6e9)
  })

  it('refuses a whole-flavour reserve over a configured one of the same buyer', async () => {
    const { deps } = await setup()
    await reserveFlavour(deps, aReserveRequest({ cpu: '2' }))
    await expect(reserveFlavour(deps, aReserveRequest({ configuration: undefined }))).rejects.toBeInstanceOf(ReservationExistsError)
  })

  it('lets the buyer reserve another configuration once it cancelled the first', async () => {
    const { deps, store } = await setup()
    const first = await reserveFlavour(deps, aReserveRequest({ cpu: '2' }))
    await cancelReservation(deps, first.id)
    const second = await reserveFlavour(deps, aReserveRequest({ cpu: '4' }))
    expect(second.id).not.toBe(first.id)
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(4e9)
  })

  it('caps the live holds of one buyer, naming when the earliest expires', async () => {
    const { deps, clock } = await setup({ flavours: sixFlavours(), maxHoldsPerBuyer: 5 })
    for (let n = 1; n <= 5; n++) {
      await reserveFlavour(deps, aReserveRequest({ flavourId: `provider.local-k8slice-000${n}`, configuration: undefined }))
      clock.advance(60_000)
    }
    const sixth = reserveFlavour(deps, aReserveRequest({ flavourId: 'provider.local-k8slice-0006', configuration: undefined }))
    await expect(sixth).rejects.toBeInstanceOf(TooManyHoldsError)
    await expect(sixth).rejects.toMatchObject({ code: 'TOO_MANY_HOLDS', retryAfterSeconds: HOUR / 1000 - 5 * 60 })
  })

  it('counts neither other buyers, nor renewals, nor holds that were cancelled, purchased or expired', async () => {
    const { deps, store, clock } = await setup({ flavours: sixFlavours(), maxHoldsPerBuyer: 2 })
    const first = await reserveFlavour(deps, aReserveRequest({ flavourId: 'provider.local-k8slice-0001' }))
    await reserveFlavour(deps, aReserveRequest({ flavourId: 'provider.local-k8slice-0002', buyer: aBuyer({ id: 'consumer-2' }) }))
    await reserveFlavour(deps, aReserveRequest({ flavourId: 'provider.local-k8slice-0001' }))
    const second = await reserveFlavour(deps, aReserveRequest({ flavourId: 'provider.local-k8slice-0003' }))
    await cancelReservation(deps, first.id)
    const third = await reserveFlavour(deps, aReserveRequest({ flavourId: 'provider.local-k8slice-0004' }))
    store.transactions.get(third.id)!.status = 'purchased'
    await reserveFlavour(deps, aReserveRequest({ flavourId: 'provider.local-k8slice-0005' }))
    await expect(reserveFlavour(deps, aReserveRequest({ flavourId: 'provider.local-k8slice-0006' }))).rejects.toBeInstanceOf(TooManyHoldsError)
    clock.advance(HOUR)
    expect(second.expiresAt <= clock.now()).toBe(true)
    await expect(reserveFlavour(deps, aReserveRequest({ flavourId: 'provider.local-k8slice-0006' }))).resolves.toMatchObject({ status: 'reserved' })
  })

  it('refuses the hold-everything attack: one buyer cannot hold every flavour', async () => {
    const { deps, store } = await setup({ flavours: sixFlavours() })
    const outcomes = await Promise.allSettled(
      sixFlavours().map((flavour) => reserveFlavour(deps, aReserveRequest({ flavourId: flavour.id, configuration: undefined }))),
    )
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5)
    expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof TooManyHoldsError)).toHaveLength(1)
    expect([...store.pools.values()].filter((pool) => pool.free.cpu > 0)).toHaveLength(1)
  })

  it('reclaims expired holds when a new buyer needs the capacity', async () => {
    const { deps, store, clock, logger } = await setup()
    const stale = await reserveFlavour(deps, aReserveRequest({ cpu: '8' }))
    clock.advance(HOUR)
    const fresh = await reserveFlavour(deps, aReserveRequest({ cpu: '8', buyer: aBuyer({ id: 'consumer-2' }) }))
    expect(fresh.id).not.toBe(stale.id)
    expect(store.transactions.get(stale.id)?.status).toBe('expired')
    expect(logger.named('RESERVATION_EXPIRED')).toHaveLength(1)
  })

  it('gives the same buyer a new transaction once the old one expired', async () => {
    const { deps, store, clock } = await setup()
    const first = await reserveFlavour(deps, aReserveRequest())
    clock.advance(HOUR + 1)
    const second = await reserveFlavour(deps, aReserveRequest())
    expect(second.id).not.toBe(first.id)
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(6e9)
  })

  it('retries a contended write with jittered backoff', async () => {
    const { deps, store, clock } = await setup()
    store.failNext('createHold', new ContentionError(), 3)
    const tx = await reserveFlavour(deps, aReserveRequest())
    expect(store.transactions.get(tx.id)).toBeDefined()
    expect(clock.sleeps).toHaveLength(3)
  })

  it('gives up on endless contention without a hold', async () => {
    const { deps, store } = await setup()
    store.failNext('createHold', new ContentionError(), 50)
    await expect(reserveFlavour(deps, aReserveRequest())).rejects.toBeInstanceOf(ContentionError)
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(8e9)
  })

  it('validates a service configuration against the flavour template', async () => {
    const { deps } = await setup({ flavours: [aServiceFlavour()] })
    const bad = aReserveRequest({ flavourId: 'provider.local-service-0001', configuration: { type: 'service', configurationData: { username: 'a' } } })
    await expect(reserveFlavour(deps, bad)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' })
    const good = aReserveRequest({
      flavourId: 'provider.local-service-0001',
      configuration: { type: 'service', hostingPolicy: 'Provider', configurationData: { username: 'a', password: 'b', database: 'c' } },
    })
    await expect(reserveFlavour(deps, good)).resolves.toMatchObject({ status: 'reserved' })
  })

  it('refuses to publish VM flavours as unsupported', async () => {
    const { store } = await setup()
    const vm = { ...aK8SliceFlavour({ id: 'vm-1' }), spec: { type: 'vm' } } as unknown as Flavour
    await expect(publishFlavour(store.flavourRepository, vm)).rejects.toBeInstanceOf(UnsupportedFlavourTypeError)
  })

  it('checks GPU requests against the offered GPU', async () => {
    const { deps } = await setup()
    const q = Quantity.parse
    const request = aReserveRequest({
      configuration: { type: 'k8slice', cpu: q('1'), memory: q('1Gi'), pods: q('1'), gpu: { model: 'a100', cores: q('1'), memory: q('0') } },
    })
    await expect(reserveFlavour(deps, request)).rejects.toBeInstanceOf(ValidationError)
  })

  function sixFlavours(): Flavour[] {
    return [1, 2, 3, 4, 5, 6].map((n) => aK8SliceFlavour({ id: `provider.local-k8slice-000${n}` }))
  }

  async function setup(input: { flavours?: Flavour[]; maxHoldsPerBuyer?: number } = {}) {
    const store = new InMemoryProviderStore()
    const clock = new FakeClock()
    const logger = new RecordingLogger()
    for (const flavour of input.flavours ?? [aK8SliceFlavour()]) await publishFlavour(store.flavourRepository, flavour)
    const deps = {
      flavours: store.flavourRepository,
      reservations: store.reservationRepository,
      clock,
      ids: new SequentialIds(),
      logger,
      transactionTtlMs: HOUR,
      ...(input.maxHoldsPerBuyer ? { maxHoldsPerBuyer: input.maxHoldsPerBuyer } : {}),
    }
    return { deps, store, clock, logger }
  }
})
