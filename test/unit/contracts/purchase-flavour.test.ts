import { describe, expect, it } from 'vitest'
import { purchaseFlavour } from '../../../core/contracts/purchase-flavour.ts'
import { reserveFlavour } from '../../../core/reservations/reserve-flavour.ts'
import { releaseExpiredHolds } from '../../../core/reservations/release-expired-holds.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { ContentionError, ExpiredError, NotFoundError } from '../../../core/shared/errors.ts'
import type { Flavour, K8SliceFlavour } from '../../../core/flavours/model.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { SequentialIds } from '../../support/sequential-ids.ts'
import { InMemoryProviderStore } from '../../support/in-memory-provider-store.ts'
import { aBuyer, aK8SliceFlavour, aProvider, aReserveRequest, aServiceFlavour } from '../../support/factories.ts'

const HOUR = 3_600_000

describe(purchaseFlavour.name, () => {
  it('creates the contract, replaces the flavour by its remainder and adds an inactive Node allocation', async () => {
    const { deps, store, reserve } = await setup()
    const tx = await reserve({ cpu: '2', memory: '4Gi', pods: '10' })
    const contract = await purchaseFlavour(deps, tx.id, {})
    expect(contract.transactionId).toBe(tx.id)
    expect(contract.flavour.id).toBe('provider.local-k8slice-0001')
    expect(contract.seller).toMatchObject({ id: 'provider-1', liqoId: 'liqo-provider' })
    expect(contract.peeringTargetCredentials).toEqual({ clusterId: 'liqo-provider', kubeconfig: 'cHJvdmlkZXI=' })
    expect(store.flavours.get('provider.local-k8slice-0001')?.retired).toBe(true)
    const [remainder] = store.advertised() as K8SliceFlavour[]
    expect(remainder?.spec.characteristics.cpu.toString()).toBe('6')
    expect(remainder?.spec.characteristics.memory.toString()).toBe('12Gi')
    expect(remainder?.spec.characteristics.pods.toString()).toBe('100')
    expect([...store.allocations.values()]).toEqual([
      expect.objectContaining({ type: 'Node', status: 'inactive', contractId: contract.id }),
    ])
  })

  it('derives contract, allocation and remainder ids within the wire id bound from a flavour id of 256 characters', async () => {
    const id = `a${'b'.repeat(255)}`
    const { deps, store, reserve } = await setup({ flavours: [aK8SliceFlavour({ id, owner: aProvider({ domain: `d${'o'.repeat(252)}` }) })] })
    const tx = await reserve({ flavourId: id, cpu: '2', memory: '4Gi', pods: '10' })
    const contract = await purchaseFlavour(deps, tx.id, {})
    const ids = [contract.id, ...store.allocations.keys(), ...store.advertised().map((f) => f.id)]
    for (const derived of ids) expect(derived.length, derived).toBeLessThanOrEqual(256)
  })

  it('returns the same contract when purchased again, with no second effect', async () => {
    const { deps, store, reserve } = await setup()
    const tx = await reserve()
    const first = await purchaseFlavour(deps, tx.id, {})
    const second = await purchaseFlavour(deps, tx.id, {})
    expect(second).toEqual(first)
    expect(store.contracts.size).toBe(1)
    expect(store.allocations.size).toBe(1)
    expect(store.advertised()).toHaveLength(1)
  })

  it('answers not found for an unknown transaction', async () => {
    const { deps } = await setup()
    await expect(purchaseFlavour(deps, 'nope', {})).rejects.toBeInstanceOf(NotFoundError)
  })

  it('answers expired once the transaction has expired, and releases the hold', async () => {
    const { deps, store, clock, reserve } = await setup()
    const tx = await reserve({ cpu: '2' })
    clock.advance(HOUR)
    await expect(purchaseFlavour(deps, tx.id, {})).rejects.toBeInstanceOf(ExpiredError)
    await expect(purchaseFlavour(deps, tx.id, {})).rejects.toMatchObject({ code: 'TRANSACTION_EXPIRED' })
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(8e9)
    expect(store.contracts.size).toBe(0)
  })

  it('sells the whole flavour when no configuration was given, leaving nothing advertised', async () => {
    const { deps, store, reserve } = await setup()
    const tx = await reserve({ configuration: undefined })
    const contract = await purchaseFlavour(deps, tx.id, {})
    expect(contract.configuration).toBeUndefined()
    expect(store.advertised()).toHaveLength(0)
  })

  it('lets holds taken on a replaced flavour still be purchased, reducing the remainder again', async () => {
    const { deps, store, reserve } = await setup()
    const first = await reserve({ cpu: '2' })
    const second = await reserve({ cpu: '3', buyer: aBuyer({ id: 'consumer-2' }) })
    await purchaseFlavour(deps, first.id, {})
    await purchaseFlavour(deps, second.id, {})
    const [remainder] = store.advertised() as K8SliceFlavour[]
    expect(remainder?.spec.characteristics.cpu.toString()).toBe('3')
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(3e9)
  })

  it('lets a buyer who saw the replaced flavour reserve from its remainder', async () => {
    const { deps, store, reserve } = await setup()
    await purchaseFlavour(deps, (await reserve({ cpu: '2' })).id, {})
    const late = await reserve({ cpu: '2', buyer: aBuyer({ id: 'consumer-2' }) })
    const [remainder] = store.advertised()
    expect(late.flavourId).toBe(remainder?.id)
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(4e9)
  })

  it('retries when the pool changed under it', async () => {
    const { deps, store, reserve } = await setup()
    const tx = await reserve()
    store.failNext('commitPurchase', new ContentionError(), 2)
    await purchaseFlavour(deps, tx.id, {})
    expect(store.contracts.size).toBe(1)
  })

  it('requires liqoCredentials for a service flavour and keeps the service advertised', async () => {
    const { deps, store, reserve } = await setup({ flavours: [aServiceFlavour()] })
    const tx = await reserve({
      flavourId: 'provider.local-service-0001',
      configuration: { type: 'service', configurationData: { username: 'a', password: 'b', database: 'c' } },
    })
    await expect(purchaseFlavour(deps, tx.id, {})).rejects.toMatchObject({ code: 'LIQO_CREDENTIALS_REQUIRED' })
    await purchaseFlavour(deps, tx.id, { liqoCredentials: { clusterId: 'c', kubeconfig: 'k' } })
    expect(store.flavours.has('provider.local-service-0001')).toBe(true)
  })

  it('sweeps expired holds once, however often it runs', async () => {
    const { deps, store, clock, reserve } = await setup()
    await reserve({ cpu: '2' })
    await reserve({ cpu: '2', buyer: aBuyer({ id: 'consumer-2' }) })
    clock.advance(HOUR)
    const sweep = { reservations: deps.reservations, clock, logger: deps.logger }
    expect(await releaseExpiredHolds(sweep)).toBe(2)
    expect(await releaseExpiredHolds(sweep)).toBe(0)
    expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(8e9)
  })

  async function setup(input: { flavours?: Flavour[] } = {}) {
    const store = new InMemoryProviderStore()
    const clock = new FakeClock()
    const logger = new RecordingLogger()
    const ids = new SequentialIds()
    for (const flavour of input.flavours ?? [aK8SliceFlavour()]) await publishFlavour(store.flavourRepository, flavour)
    const deps = {
      flavours: store.flavourRepository,
      reservations: store.reservationRepository,
      contracts: store.contractRepository,
      cluster: { peeringCredentials: async () => ({ clusterId: 'liqo-provider', kubeconfig: 'cHJvdmlkZXI=' }) },
      clock,
      ids,
      logger,
      self: aProvider(),
      transactionTtlMs: HOUR,
      contractTtlMs: 365 * 24 * HOUR,
    }
    const reserve = (overrides: Parameters<typeof aReserveRequest>[0] = {}) => reserveFlavour(deps, aReserveRequest(overrides))
    return { deps, store, clock, reserve }
  }
})
