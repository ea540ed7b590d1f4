import { describe, expect, it } from 'vitest'
import { replaceFlavour } from '../../../core/flavours/replace-flavour.ts'
import { withdrawFlavour } from '../../../core/flavours/withdraw-flavour.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { capacityOf } from '../../../core/flavours/partitioning.ts'
import { ConflictError, NotFoundError } from '../../../core/shared/errors.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { InMemoryProviderStore } from '../../support/in-memory-provider-store.ts'
import { aK8SliceFlavour, aServiceFlavour, aTransaction } from '../../support/factories.ts'

const cpuOf = (cpu: string) => capacityOf(aK8SliceFlavour({ cpu })).cpu

describe(replaceFlavour.name, () => {
  it('publishes an id it does not know with a fresh pool holding its whole capacity', async () => {
    const { deps, store } = setup()
    const flavour = aK8SliceFlavour({ id: 'cluster-a.node-1' })
    expect(await replaceFlavour(deps, flavour)).toEqual({ outcome: 'created', advertised: flavour })
    expect(store.advertised()).toEqual([flavour])
    expect(store.pools.get(flavour.id)?.free).toEqual(capacityOf(flavour))
  })

  it('replaces the advertised flavour and moves the free capacity by the difference, once however often it is delivered', async () => {
    const { deps, store } = await setupPublished()
    const refreshed = aK8SliceFlavour({ cpu: '12' })
    await replaceFlavour(deps, refreshed)
    await replaceFlavour(deps, refreshed)
    expect(store.advertised()).toEqual([refreshed])
    expect(store.pools.get(refreshed.id)?.free.cpu).toBe(cpuOf('12'))
  })

  it('keeps holds valid and never offers held capacity again', async () => {
    const { deps, store } = await setupPublished()
    await store.reservationRepository.createHold(aTransaction())
    await replaceFlavour(deps, aK8SliceFlavour({ cpu: '6' }))
    expect(store.pools.get(aK8SliceFlavour().id)?.free.cpu).toBe(cpuOf('6') - cpuOf('2'))
    expect(store.transactions.get('tx-0001')?.status).toBe('reserved')
  })

  it('never moves the free capacity below zero when the node shrank under what is held', async () => {
    const { deps, store } = await setupPublished()
    await store.reservationRepository.createHold(aTransaction())
    await replaceFlavour(deps, aK8SliceFlavour({ cpu: '1' }))
    expect(store.pools.get(aK8SliceFlavour().id)?.free.cpu).toBe(0)
  })

  it('refreshes a sold flavour under its remainder id, so holds taken on the remainder stay valid', async () => {
    const { deps, store } = await setupPublished()
    const original = aK8SliceFlavour()
    const remainder = aK8SliceFlavour({ id: 'remainder-1', cpu: '6' })
    store.flavours.get(original.id)!.retired = true
    store.flavours.set(remainder.id, { flavour: remainder, poolId: original.id })
    store.pools.set(original.id, { id: original.id, currentFlavourId: remainder.id, free: capacityOf(remainder), version: 1 })
    const { advertised } = await replaceFlavour(deps, aK8SliceFlavour({ cpu: '7' }))
    expect(advertised.id).toBe('remainder-1')
    expect(store.advertised().map((f) => [f.id, f.spec.type === 'k8slice' && f.spec.characteristics.cpu.toString()])).toEqual([['remainder-1', '7']])
    expect(store.pools.get(original.id)?.free.cpu).toBe(cpuOf('7'))
  })

  it('retries a refresh that met a concurrent change of the pool', async () => {
    const { deps, store } = await setupPublished()
    store.failNext('refresh')
    await replaceFlavour(deps, aK8SliceFlavour({ cpu: '10' }))
    expect(store.pools.get(aK8SliceFlavour().id)?.free.cpu).toBe(cpuOf('10'))
  })

  it('refuses to turn a flavour into another type', async () => {
    const { deps } = await setupPublished()
    const service = { ...aServiceFlavour(), id: aK8SliceFlavour().id }
    await expect(replaceFlavour(deps, service)).rejects.toBeInstanceOf(ConflictError)
  })

  function setup() {
    const store = new InMemoryProviderStore()
    return { store, deps: { flavours: store.flavourRepository, clock: new FakeClock() } }
  }

  async function setupPublished() {
    const context = setup()
    await publishFlavour(context.store.flavourRepository, aK8SliceFlavour())
    return context
  }
})

describe(withdrawFlavour.name, () => {
  it('stops advertising the flavour and keeps its holds; a second withdrawal changes nothing', async () => {
    const { deps, store } = await setup()
    await store.reservationRepository.createHold(aTransaction())
    expect(await withdrawFlavour(deps, aK8SliceFlavour().id)).toBe(true)
    expect(await withdrawFlavour(deps, aK8SliceFlavour().id)).toBe(false)
    expect(store.advertised()).toEqual([])
    expect(store.transactions.get('tx-0001')?.status).toBe('reserved')
    expect(store.pools.get(aK8SliceFlavour().id)?.free.cpu).toBe(cpuOf('8') - cpuOf('2'))
  })

  it('advertises a withdrawn flavour again when it is refreshed, moving the kept free capacity', async () => {
    const { deps, store } = await setup()
    await store.reservationRepository.createHold(aTransaction())
    await withdrawFlavour(deps, aK8SliceFlavour().id)
    await replaceFlavour(deps, aK8SliceFlavour({ cpu: '9' }))
    expect(store.advertised().map((f) => f.id)).toEqual([aK8SliceFlavour().id])
    expect(store.pools.get(aK8SliceFlavour().id)?.free.cpu).toBe(cpuOf('9') - cpuOf('2'))
  })

  it('answers an id never published with NotFoundError', async () => {
    const { deps } = await setup()
    await expect(withdrawFlavour(deps, 'nope')).rejects.toBeInstanceOf(NotFoundError)
  })

  async function setup() {
    const store = new InMemoryProviderStore()
    await publishFlavour(store.flavourRepository, aK8SliceFlavour())
    return { store, deps: { flavours: store.flavourRepository, clock: new FakeClock() } }
  }
})
