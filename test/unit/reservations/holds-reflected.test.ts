import { describe, expect, it } from 'vitest'
import { holdsReflected } from '../../../core/reservations/holds-reflected.ts'
import { reserveFlavour } from '../../../core/reservations/reserve-flavour.ts'
import { cancelReservation } from '../../../core/reservations/cancel-reservation.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { listFlavours } from '../../../core/flavours/list-flavours.ts'
import type { Flavour } from '../../../core/flavours/model.ts'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { SequentialIds } from '../../support/sequential-ids.ts'
import { InMemoryProviderStore } from '../../support/in-memory-provider-store.ts'
import { aK8SliceFlavour, aReserveRequest, aServiceFlavour } from '../../support/factories.ts'

const characteristics = (flavour: Flavour | undefined) => (flavour ? (flavourToWire(flavour).type.data as { charateristics: unknown }).charateristics : undefined)

describe(holdsReflected.name, () => {
  it('lists a flavour unchanged while nothing holds it', async () => {
    const { listed } = await setup()
    expect(await listed()).toEqual([aK8SliceFlavour(), aServiceFlavour()])
  })

  it('unlists a flavour held whole, and lists it again once the hold is cancelled', async () => {
    const { listed, deps } = await setup()
    const tx = await reserveFlavour(deps, aReserveRequest({ configuration: undefined }))
    expect((await listed()).map((f) => f.id)).toEqual(['provider.local-service-0001'])
    await cancelReservation(deps, tx.id)
    expect((await listed()).map((f) => f.id)).toEqual(['provider.local-k8slice-0001', 'provider.local-service-0001'])
  })

  it('reduces a partly held flavour to what is free, in the Go wire form, under the same id', async () => {
    const { listed, deps } = await setup()
    await reserveFlavour(deps, aReserveRequest({ cpu: '2', memory: '4Gi', pods: '10' }))
    const [k8slice] = await listed()
    expect(k8slice?.id).toBe('provider.local-k8slice-0001')
    expect(characteristics(k8slice)).toMatchObject({ cpu: '6', memory: '12Gi', pods: '100' })
    expect(Object.keys(flavourToWire(k8slice!))).toEqual(Object.keys(flavourToWire(aK8SliceFlavour())))
  })

  it('unlists a flavour whose free part is below the minimum slice', async () => {
    const { listed, deps } = await setup()
    await reserveFlavour(deps, aReserveRequest({ cpu: '8', memory: '4Gi', pods: '10' }))
    expect((await listed()).map((f) => f.id)).toEqual(['provider.local-service-0001'])
  })

  it('filters selectors on what is free', async () => {
    const { store, deps } = await setup()
    await reserveFlavour(deps, aReserveRequest({ cpu: '6', memory: '4Gi', pods: '10' }))
    const atLeast = (cpu: string) => listFlavours(holdsReflected(store.flavourRepository), { type: 'k8slice', quantities: { cpu: { kind: 'range', min: Quantity.parse(cpu) } }, strings: {} })
    expect(await atLeast('4')).toEqual([])
    expect((await atLeast('2')).map(characteristics)).toMatchObject([{ cpu: '2' }])
  })

  async function setup() {
    const store = new InMemoryProviderStore()
    const clock = new FakeClock()
    for (const flavour of [aK8SliceFlavour(), aServiceFlavour()]) await publishFlavour(store.flavourRepository, flavour)
    const deps = {
      flavours: store.flavourRepository,
      reservations: store.reservationRepository,
      clock,
      ids: new SequentialIds(),
      logger: new RecordingLogger(),
      transactionTtlMs: 3_600_000,
    }
    const listed = () => holdsReflected(store.flavourRepository).listAvailable()
    return { store, deps, listed }
  }
})
