import { describe, expect, it } from 'vitest'
import type { PurchasePlan, UndoPlan } from '../../../core/contracts/ports.ts'
import type { Transaction } from '../../../core/reservations/model.ts'
import { CapacityUnavailableError, FlavourGoneError, ReservationKeyTakenError } from '../../../core/reservations/errors.ts'
import { ContentionError } from '../../../core/shared/errors.ts'
import { dynamoRepositories, inMemoryRepositories } from '../../support/repository-contract.ts'
import {
  aBuyer,
  aCapacityPool,
  aContract,
  aK8SliceConfiguration,
  aK8SliceFlavour,
  aPeer,
  aProvider,
  aRemoteFlavour,
  aServiceFlavour,
  aRelayHop,
  aTransaction,
  anAllocation,
  anOriginHop,
  anOutboxMessage,
} from '../../support/factories.ts'

const at = (time: string) => new Date(`2026-01-01T${time}:00Z`)
const GiB = 1024 ** 3

const holding = (cpu: string, overrides: Partial<Transaction> = {}) => aTransaction({ configuration: aK8SliceConfiguration({ cpu }), ...overrides })
const ofBuyer = (n: number, cpu: string, overrides: Partial<Transaction> = {}) =>
  holding(cpu, { id: `tx-000${n}`, buyer: aBuyer({ id: `consumer-${n}`, liqoId: `liqo-consumer-${n}` }), ...overrides })
const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : 1))

describe.each([inMemoryRepositories, dynamoRepositories])('repositories on $name', ({ create }) => {
  describe('flavours', () => {
    it('publishes a flavour with its pool and reads both back', async () => {
      const { flavours, flavour } = await setup()
      expect(await flavours.get(flavour.id)).toEqual({ flavour, poolId: flavour.id })
      expect(await flavours.getPool(flavour.id)).toEqual(aCapacityPool(flavour))
    })

    it('keeps the first publication of a flavour id, whatever comes with it later', async () => {
      const { flavours, flavour } = await setup()
      const changed = aK8SliceFlavour({ cpu: '99' })
      await flavours.publish(changed, aCapacityPool(changed))
      await flavours.publish(changed, aCapacityPool(changed, { id: 'another-pool' }))
      expect(await flavours.get(flavour.id)).toEqual({ flavour, poolId: flavour.id })
      expect(await flavours.getPool(flavour.id)).toEqual(aCapacityPool(flavour))
      expect(await flavours.getPool('another-pool')).toBeUndefined()
    })

    it('publishes nothing under a pool that already exists', async () => {
      const { flavours, flavour } = await setup()
      const newcomer = aK8SliceFlavour({ id: 'provider.local-k8slice-0002' })
      await flavours.publish(newcomer, aCapacityPool(newcomer, { id: flavour.id }))
      expect(await flavours.get(newcomer.id)).toBeUndefined()
      expect(await flavours.listAvailable()).toEqual([flavour])
    })

    it('lists the available flavours of one type, or of every supported type', async () => {
      const { flavours, flavour } = await setup()
      const service = aServiceFlavour()
      const withdrawn = aK8SliceFlavour({ id: 'provider.local-k8slice-0002', available: false })
      for (const published of [service, withdrawn]) await flavours.publish(published, aCapacityPool(published))
      expect(await flavours.listAvailable('k8slice')).toEqual([flavour])
      expect(await flavours.listAvailable('service')).toEqual([service])
      expect(byId(await flavours.listAvailable())).toEqual(byId([flavour, service]))
    })

    it('reads an unknown flavour or pool as undefined', async () => {
      const { flavours } = await setup()
      expect(await flavours.get('nope')).toBeUndefined()
      expect(await flavours.getPool('nope')).toBeUndefined()
    })

    async function setup() {
      const repositories = await create()
      const flavour = aK8SliceFlavour()
      await repositories.flavours.publish(flavour, aCapacityPool(flavour))
      return { ...repositories, flavour }
    }
  })

  describe('flavour refresh and withdrawal', () => {
    it('refreshes a flavour in place: new characteristics listed, the pool written as planned', async () => {
      const { flavours, flavour, pool } = await setup()
      const refreshed = aK8SliceFlavour({ cpu: '12' })
      const next = { ...pool, free: { ...pool.free, cpu: pool.free.cpu + 4000 }, version: 1 }
      await flavours.refresh({ previous: pool, pool: next, flavour: refreshed })
      expect(await flavours.get(flavour.id)).toEqual({ flavour: refreshed, poolId: flavour.id })
      expect(await flavours.getPool(flavour.id)).toEqual(next)
      expect(await flavours.listAvailable('k8slice')).toEqual([refreshed])
    })

    it('refuses a refresh planned on a stale pool as contention, changing nothing', async () => {
      const { flavours, flavour, pool } = await setup()
      const next = { ...pool, version: 1 }
      await flavours.refresh({ previous: pool, pool: next, flavour })
      const again = flavours.refresh({ previous: pool, pool: next, flavour: aK8SliceFlavour({ cpu: '1' }) })
      await expect(again).rejects.toBeInstanceOf(ContentionError)
      expect((await flavours.get(flavour.id))?.flavour).toEqual(flavour)
      expect(await flavours.getPool(flavour.id)).toEqual(next)
    })

    it('refuses a refresh planned before a hold was taken, so the hold is never offered again', async () => {
      const { flavours, reservations, flavour, pool } = await setup()
      await reservations.createHold(aTransaction())
      const held = await flavours.getPool(flavour.id)
      const refresh = flavours.refresh({ previous: pool, pool: { ...pool, version: 1 }, flavour: aK8SliceFlavour({ cpu: '12' }) })
      await expect(refresh).rejects.toBeInstanceOf(ContentionError)
      expect(await flavours.getPool(flavour.id)).toEqual(held)
      expect((await flavours.get(flavour.id))?.flavour).toEqual(flavour)
    })

    it('withdraws a flavour: no longer listed, the pool left without a current flavour', async () => {
      const { flavours, flavour, pool } = await setup()
      const next = { ...pool, currentFlavourId: undefined, version: 1 }
      await flavours.withdraw({ previous: pool, pool: next, flavourId: flavour.id })
      expect(await flavours.listAvailable()).toEqual([])
      expect(await flavours.get(flavour.id)).toEqual({ flavour, poolId: flavour.id, retired: true })
      expect((await flavours.getPool(flavour.id))?.currentFlavourId).toBeUndefined()
    })

    it('refuses a withdrawal delivered twice from the same plan as contention', async () => {
      const { flavours, flavour, pool } = await setup()
      const next = { ...pool, currentFlavourId: undefined, version: 1 }
      await flavours.withdraw({ previous: pool, pool: next, flavourId: flavour.id })
      await expect(flavours.withdraw({ previous: pool, pool: next, flavourId: flavour.id })).rejects.toBeInstanceOf(ContentionError)
    })

    it('lists a withdrawn flavour again once refreshed', async () => {
      const { flavours, flavour, pool } = await setup()
      const withdrawn = { ...pool, currentFlavourId: undefined, version: 1 }
      await flavours.withdraw({ previous: pool, pool: withdrawn, flavourId: flavour.id })
      await flavours.refresh({ previous: withdrawn, pool: { ...pool, version: 2 }, flavour })
      expect(await flavours.get(flavour.id)).toEqual({ flavour, poolId: flavour.id })
      expect(await flavours.listAvailable()).toEqual([flavour])
    })

    async function setup() {
      const repositories = await create()
      const flavour = aK8SliceFlavour()
      const pool = aCapacityPool(flavour)
      await repositories.flavours.publish(flavour, pool)
      return { ...repositories, flavour, pool }
    }
  })

  describe('agent command outcomes', () => {
    it('keeps the latest outcome until a final one, which a later report never overwrites', async () => {
      const { records } = await setup()
      const received = { id: 'cmd-1', type: 'DEPLOY_VIRTUAL_ROUTER', outcome: 'received' as const, receivedCount: 1, updatedAt: at('10:00') }
      expect(await records.save(received)).toBe(true)
      expect(await records.get('cmd-1')).toEqual(received)
      expect(await records.save({ ...received, outcome: 'progress', detail: 'peering', updatedAt: at('10:01') })).toBe(true)
      const failed = { ...received, outcome: 'failed' as const, detail: 'gateway never ready', updatedAt: at('10:02') }
      expect(await records.save(failed)).toBe(true)
      expect(await records.save({ ...received, outcome: 'done', updatedAt: at('10:03') })).toBe(false)
      expect(await records.get('cmd-1')).toEqual(failed)
    })

    it('reads an unknown command as undefined', async () => {
      const { records } = await setup()
      expect(await records.get('nope')).toBeUndefined()
    })

    async function setup() {
      const repositories = await create()
      return { records: repositories.agentCommands! }
    }
  })

  describe('reservations', () => {
    it('holds a transaction on its pool and finds it by id and by reservation key', async () => {
      const { reservations, flavours, flavour } = await setup()
      const tx = aTransaction()
      await reservations.createHold(tx)
      expect(await reservations.getTransaction(tx.id)).toEqual(tx)
      expect(await reservations.findByBuyer(tx.reservationKey, tx.flavourId)).toEqual(tx)
      expect(await flavours.getPool(flavour.id)).toMatchObject({ free: { cpu: 6e9, memory: 12 * GiB, pods: 100 }, version: 1 })
    })

    it('refuses a hold larger than what is free, changing nothing', async () => {
      const { reservations, freeCpu } = await setup()
      await reservations.createHold(holding('6'))
      const late = ofBuyer(2, '3')
      await expect(reservations.createHold(late)).rejects.toBeInstanceOf(CapacityUnavailableError)
      expect(await freeCpu()).toBe(2e9)
      expect(await reservations.getTransaction(late.id)).toBeUndefined()
      expect(await reservations.findByBuyer(late.reservationKey, late.flavourId)).toBeUndefined()
    })

    it('never holds more than the pool has, however many buyers ask at once', async () => {
      const { reservations, freeCpu } = await setup()
      const outcomes = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((n) => reservations.createHold(ofBuyer(n, '2'))))
      const granted = outcomes.filter((o) => o.status === 'fulfilled').length
      const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []))
      expect(granted).toBeGreaterThan(0)
      expect(granted).toBeLessThanOrEqual(4)
      expect(await freeCpu()).toBe(8e9 - granted * 2e9)
      for (const refusal of refusals) expect([CapacityUnavailableError, ContentionError].some((kind) => refusal instanceof kind)).toBe(true)
    })

    it.each([
      ['a flavour its pool no longer offers', holding('1', { flavourId: 'provider.local-k8slice-0000' })],
      ['a pool that does not exist', holding('1', { poolId: 'no-such-pool' })],
    ])('refuses a hold on %s as gone', async (_, tx) => {
      const { reservations, freeCpu } = await setup()
      await expect(reservations.createHold(tx)).rejects.toBeInstanceOf(FlavourGoneError)
      expect(await freeCpu()).toBe(8e9)
      expect(await reservations.getTransaction(tx.id)).toBeUndefined()
    })

    it('refuses a second live hold under one reservation key, even when capacity is short too', async () => {
      const { reservations, freeCpu } = await setup()
      const first = holding('6')
      await reservations.createHold(first)
      for (const cpu of ['1', '4']) {
        await expect(reservations.createHold(holding(cpu, { id: `tx-again-${cpu}` }))).rejects.toBeInstanceOf(ReservationKeyTakenError)
      }
      expect(await freeCpu()).toBe(2e9)
      expect(await reservations.findByBuyer(first.reservationKey, first.flavourId)).toEqual(first)
    })

    it('frees the reservation key once the hold is released', async () => {
      const { reservations } = await setup()
      await reservations.createHold(holding('2'))
      await reservations.releaseHold(holding('2'), 'released', at('00:10'))
      const again = holding('2', { id: 'tx-0002' })
      await reservations.createHold(again)
      expect(await reservations.findByBuyer(again.reservationKey, again.flavourId)).toEqual(again)
    })

    it('refuses a transaction id that is taken', async () => {
      const { reservations, freeCpu } = await setup()
      const first = ofBuyer(1, '2')
      await reservations.createHold(first)
      await expect(reservations.createHold(ofBuyer(2, '2', { id: first.id }))).rejects.toBeInstanceOf(ContentionError)
      expect(await reservations.getTransaction(first.id)).toEqual(first)
      expect(await freeCpu()).toBe(6e9)
    })

    it('replaces a hold by another, moving the pool by the difference', async () => {
      const { reservations, freeCpu } = await setup()
      const tx = holding('2')
      await reservations.createHold(tx)
      const grown = holding('5', { expiresAt: at('02:00'), version: 1 })
      await reservations.updateHold(tx, grown)
      expect(await reservations.getTransaction(tx.id)).toEqual(grown)
      expect(await freeCpu()).toBe(3e9)
      const shrunk = holding('1', { expiresAt: at('03:00'), version: 2 })
      await reservations.updateHold(grown, shrunk)
      expect(await reservations.getTransaction(tx.id)).toEqual(shrunk)
      expect(await freeCpu()).toBe(7e9)
    })

    it('refuses to grow a hold beyond what is free, changing nothing', async () => {
      const { reservations, freeCpu } = await setup()
      const tx = holding('2')
      await reservations.createHold(tx)
      await reservations.createHold(ofBuyer(2, '4'))
      await expect(reservations.updateHold(tx, holding('5', { version: 1 }))).rejects.toBeInstanceOf(CapacityUnavailableError)
      expect(await reservations.getTransaction(tx.id)).toEqual(tx)
      expect(await freeCpu()).toBe(2e9)
    })

    it('refuses to replace a hold from a stale version', async () => {
      const { reservations, freeCpu } = await setup()
      const tx = holding('2')
      await reservations.createHold(tx)
      const next = holding('3', { version: 1 })
      await reservations.updateHold(tx, next)
      await expect(reservations.updateHold(tx, holding('4', { version: 1 }))).rejects.toBeInstanceOf(ContentionError)
      expect(await reservations.getTransaction(tx.id)).toEqual(next)
      expect(await freeCpu()).toBe(5e9)
    })

    it('refuses to replace or extend a hold that is no longer reserved', async () => {
      const { reservations, freeCpu } = await setup()
      const tx = holding('2')
      await reservations.createHold(tx)
      await reservations.releaseHold(tx, 'released', at('00:10'))
      await expect(reservations.updateHold(tx, holding('3', { version: 1 }))).rejects.toBeInstanceOf(ContentionError)
      await expect(reservations.extendHold(tx, at('02:00'))).rejects.toBeInstanceOf(ContentionError)
      await expect(reservations.extendHold(ofBuyer(2, '1'), at('02:00'))).rejects.toBeInstanceOf(ContentionError)
      expect(await reservations.getTransaction(tx.id)).toMatchObject({ status: 'released', expiresAt: tx.expiresAt })
      expect(await freeCpu()).toBe(8e9)
    })

    it('moves the expiry of a reserved transaction, and with it when it counts as expired', async () => {
      const { reservations } = await setup()
      const tx = aTransaction()
      await reservations.createHold(tx)
      await reservations.extendHold(tx, at('02:00'))
      const extended = { ...tx, expiresAt: at('02:00') }
      expect(await reservations.getTransaction(tx.id)).toEqual(extended)
      expect(await reservations.listExpired(at('01:00'), { limit: 10 })).toEqual([])
      expect(await reservations.listExpired(at('02:00'), { limit: 10 })).toEqual([extended])
    })

    it.each(['expired', 'released'] as const)('gives a hold back once and marks the transaction %s', async (status) => {
      const { reservations, freeCpu } = await setup()
      const tx = aTransaction()
      await reservations.createHold(tx)
      expect(await reservations.releaseHold(tx, status, at('00:10'))).toBe(true)
      expect(await reservations.releaseHold(tx, status, at('00:11'))).toBe(false)
      expect(await reservations.getTransaction(tx.id)).toEqual({ ...tx, status, version: 1 })
      expect(await reservations.findByBuyer(tx.reservationKey, tx.flavourId)).toBeUndefined()
      expect(await freeCpu()).toBe(8e9)
    })

    it('releases the hold as stored, even when handed a stale copy', async () => {
      const { reservations, freeCpu } = await setup()
      const stale = holding('2')
      await reservations.createHold(stale)
      await reservations.updateHold(stale, holding('5', { version: 1 }))
      expect(await reservations.releaseHold(stale, 'released', at('00:10'))).toBe(true)
      expect(await reservations.getTransaction(stale.id)).toMatchObject({ status: 'released', version: 2 })
      expect(await freeCpu()).toBe(8e9)
    })

    it('releases nothing of a purchased or an unknown transaction', async () => {
      const { reservations, contracts, freeCpu } = await setup()
      const tx = aTransaction()
      await reservations.createHold(tx)
      await contracts.commitPurchase({ transaction: tx, contract: aContract(), allocation: anAllocation() })
      expect(await reservations.releaseHold(tx, 'expired', at('02:00'))).toBe(false)
      expect(await reservations.releaseHold(ofBuyer(2, '1'), 'expired', at('02:00'))).toBe(false)
      expect(await reservations.getTransaction(tx.id)).toMatchObject({ status: 'purchased' })
      expect(await freeCpu()).toBe(6e9)
    })

    it('lists reserved transactions expired at or before now, oldest first, up to the limit', async () => {
      const { reservations } = await setup()
      const [a, b, c, d] = ['00:30', '00:10', '00:20', '00:40'].map((time, i) => ofBuyer(i + 1, '1', { expiresAt: at(time) }))
      for (const tx of [a, b, c, d]) await reservations.createHold(tx!)
      expect(await reservations.listExpired(at('00:30'), { limit: 10 })).toEqual([b, c, a])
      expect(await reservations.listExpired(at('00:30'), { limit: 2 })).toEqual([b, c])
    })

    it('lists expired transactions of one pool when asked to', async () => {
      const { reservations, flavours } = await setup()
      const other = aK8SliceFlavour({ id: 'provider.local-k8slice-0002' })
      await flavours.publish(other, aCapacityPool(other))
      const here = ofBuyer(1, '1', { expiresAt: at('00:10') })
      const there = ofBuyer(2, '1', { expiresAt: at('00:20'), flavour: other, flavourId: other.id, poolId: other.id })
      for (const tx of [here, there]) await reservations.createHold(tx)
      expect(await reservations.listExpired(at('01:00'), { limit: 10, poolId: other.id })).toEqual([there])
      expect(await reservations.listExpired(at('01:00'), { limit: 10 })).toEqual([here, there])
    })

    it('leaves released and purchased transactions out of the expired ones', async () => {
      const { reservations, contracts } = await setup()
      const [released, purchased, left] = [ofBuyer(1, '1'), ofBuyer(2, '1'), ofBuyer(3, '1')]
      for (const tx of [released, purchased, left]) await reservations.createHold(tx!)
      await reservations.releaseHold(released!, 'released', at('00:10'))
      await contracts.commitPurchase({ transaction: purchased!, contract: aContract({ transactionId: purchased!.id }), allocation: anAllocation() })
      expect(await reservations.listExpired(at('02:00'), { limit: 10 })).toEqual([left])
    })

    async function setup() {
      const repositories = await create()
      const flavour = aK8SliceFlavour()
      await repositories.flavours.publish(flavour, aCapacityPool(flavour))
      const freeCpu = async () => (await repositories.flavours.getPool(flavour.id))?.free.cpu
      return { ...repositories, flavour, freeCpu }
    }
  })

  describe('purchases', () => {
    it('commits a purchase at once: transaction purchased, contract kept, key freed, flavour replaced by its remainder', async () => {
      const { contracts, reservations, flavours, flavour, remainder, plan } = await setup()
      const purchase = await plan()
      await contracts.commitPurchase(purchase)
      const tx = purchase.transaction
      expect(await reservations.getTransaction(tx.id)).toEqual({
        ...tx,
        status: 'purchased',
        contractId: purchase.contract.id,
        allocationId: purchase.allocation.id,
        version: tx.version + 1,
      })
      expect(await contracts.get(purchase.contract.id)).toEqual(purchase.contract)
      expect(await reservations.findByBuyer(tx.reservationKey, tx.flavourId)).toBeUndefined()
      expect(await flavours.getPool(flavour.id)).toEqual({ ...purchase.pool, currentFlavourId: remainder.id, version: purchase.pool!.version + 1 })
      expect(await flavours.get(flavour.id)).toEqual({ flavour, poolId: flavour.id, retired: true })
      expect(await flavours.get(remainder.id)).toEqual({ flavour: remainder, poolId: flavour.id })
      expect(await flavours.listAvailable()).toEqual([remainder])
    })

    it('retires the flavour and leaves its pool with no current one when nothing remains', async () => {
      const { contracts, reservations, flavours, flavour, plan } = await setup()
      await contracts.commitPurchase(await plan({ replacement: { retiredFlavourId: flavour.id } }))
      expect((await flavours.getPool(flavour.id))?.currentFlavourId).toBeUndefined()
      expect(await flavours.listAvailable()).toEqual([])
      await expect(reservations.createHold(ofBuyer(3, '1'))).rejects.toBeInstanceOf(FlavourGoneError)
    })

    it('only moves the pool version when nothing is replaced, and leaves a pool alone when the plan has none', async () => {
      const { contracts, flavours, flavour, plan, purchaseOther } = await setup()
      const purchase = await plan({ replacement: undefined })
      await contracts.commitPurchase(purchase)
      expect(await flavours.getPool(flavour.id)).toEqual({ ...purchase.pool, version: purchase.pool!.version + 1 })
      await purchaseOther()
      expect(await flavours.getPool(flavour.id)).toEqual({ ...purchase.pool, version: purchase.pool!.version + 1 })
      expect(await flavours.get(flavour.id)).toEqual({ flavour, poolId: flavour.id })
    })

    it('is not applied twice: the same plan again is contention and keeps the first commit', async () => {
      const context = await setup()
      const purchase = await context.plan()
      await context.contracts.commitPurchase(purchase)
      const committed = await snapshot(context, purchase)
      await expect(context.contracts.commitPurchase(purchase)).rejects.toBeInstanceOf(ContentionError)
      expect(await snapshot(context, purchase)).toEqual(committed)
    })

    it.each<[string, (context: Context) => Promise<PurchasePlan>]>([
      [
        'the transaction changed since it was read',
        async ({ plan, reservations }) => {
          const purchase = await plan()
          await reservations.updateHold(purchase.transaction, { ...purchase.transaction, expiresAt: at('02:00'), version: 1 })
          return purchase
        },
      ],
      [
        'the transaction is no longer reserved',
        async ({ plan, reservations }) => {
          const purchase = await plan()
          await reservations.releaseHold(purchase.transaction, 'released', at('00:10'))
          return purchase
        },
      ],
      [
        'the pool changed since it was read',
        async ({ plan, reservations }) => {
          const purchase = await plan()
          await reservations.createHold(ofBuyer(3, '1'))
          return purchase
        },
      ],
      [
        'the flavour to retire was retired already',
        async ({ plan, purchaseOther, flavour, flavours }) => {
          const remainder = aK8SliceFlavour({ id: 'provider.local-k8slice-0003', cpu: '7' })
          await purchaseOther({ pool: await flavours.getPool(flavour.id), replacement: { retiredFlavourId: flavour.id, remainder } })
          return plan()
        },
      ],
      ['the flavour to retire does not exist', async ({ plan, remainder }) => plan({ replacement: { retiredFlavourId: 'provider.local-k8slice-9999', remainder } })],
      [
        "the remainder's id is taken",
        async ({ plan, flavours, remainder }) => {
          await flavours.publish(remainder, aCapacityPool(remainder))
          return plan()
        },
      ],
      [
        'the contract id is taken',
        async ({ plan, purchaseOther, other }) => {
          await purchaseOther({ contract: aContract({ transactionId: other.id }) })
          return plan()
        },
      ],
      [
        'the allocation id is taken',
        async ({ plan, purchaseOther }) => {
          await purchaseOther({ allocation: anAllocation({ contractId: 'contract-2' }) })
          return plan()
        },
      ],
    ])('refuses as contention when %s, changing nothing', async (_, arrange) => {
      const context = await setup()
      const purchase = await arrange(context)
      const before = await snapshot(context, purchase)
      await expect(context.contracts.commitPurchase(purchase)).rejects.toBeInstanceOf(ContentionError)
      expect(await snapshot(context, purchase)).toEqual(before)
    })

    it('reads an unknown contract as undefined', async () => {
      const { contracts } = await setup()
      expect(await contracts.get('nope')).toBeUndefined()
    })

    type Context = Awaited<ReturnType<typeof setup>>

    function snapshot({ reservations, contracts, flavours, flavour, remainder }: Context, purchase: PurchasePlan) {
      const tx = purchase.transaction
      return Promise.all([
        reservations.getTransaction(tx.id),
        reservations.findByBuyer(tx.reservationKey, tx.flavourId),
        contracts.get(purchase.contract.id),
        flavours.getPool(flavour.id),
        flavours.get(flavour.id),
        flavours.get(remainder.id),
        flavours.listAvailable(),
      ])
    }

    async function setup() {
      const repositories = await create()
      const { flavours, reservations, contracts } = repositories
      const flavour = aK8SliceFlavour()
      const remainder = aK8SliceFlavour({ id: 'provider.local-k8slice-0002', cpu: '6', memory: '12Gi', pods: '100' })
      await flavours.publish(flavour, aCapacityPool(flavour))
      const [tx, other] = [aTransaction(), ofBuyer(2, '1')]
      for (const held of [tx, other]) await reservations.createHold(held)
      const plan = async (overrides: Partial<PurchasePlan> = {}): Promise<PurchasePlan> => ({
        transaction: (await reservations.getTransaction(tx.id))!,
        contract: aContract(),
        allocation: anAllocation(),
        pool: await flavours.getPool(flavour.id),
        replacement: { retiredFlavourId: flavour.id, remainder },
        ...overrides,
      })
      const purchaseOther = async (overrides: Partial<PurchasePlan> = {}) =>
        contracts.commitPurchase({
          transaction: (await reservations.getTransaction(other.id))!,
          contract: aContract({ id: 'contract-2', transactionId: other.id }),
          allocation: anAllocation({ id: 'allocation-2', contractId: 'contract-2' }),
          ...overrides,
        })
      return { ...repositories, flavour, remainder, tx, other, plan, purchaseOther }
    }
  })

  describe('undoing a sale', () => {
    it('undoes a sale at once: transaction released, hold back on the pool, flavour grown back', async () => {
      const { contracts, reservations, flavours, flavour, remainder, restored, undo } = await setup()
      const plan = await undo()
      await contracts.commitUndo(plan)
      expect(await reservations.getTransaction(plan.transaction.id)).toEqual({ ...plan.transaction, status: 'released', version: plan.transaction.version + 1 })
      expect(await flavours.getPool(flavour.id)).toEqual({
        ...plan.pool,
        free: { ...plan.pool!.free, cpu: plan.pool!.free.cpu + 2e9, memory: plan.pool!.free.memory + 4 * GiB, pods: plan.pool!.free.pods + 10 },
        currentFlavourId: restored.id,
        version: plan.pool!.version + 1,
      })
      expect(await flavours.get(remainder.id)).toEqual({ flavour: remainder, poolId: flavour.id, retired: true })
      expect(await flavours.get(restored.id)).toEqual({ flavour: restored, poolId: flavour.id })
      expect(await flavours.listAvailable()).toEqual([restored])
      expect(await reservations.listExpired(at('12:00'), { limit: 10 })).toEqual([])
    })

    it('puts a sold flavour back on sale when nothing of its lineage was left', async () => {
      const { contracts, flavours, flavour, restored, undo } = await setup({ remainder: false })
      await contracts.commitUndo(await undo({ replacement: { restored } }))
      expect((await flavours.getPool(flavour.id))?.currentFlavourId).toBe(restored.id)
      expect(await flavours.listAvailable()).toEqual([restored])
    })

    it('releases the transaction and leaves the pool alone when the plan has none', async () => {
      const { contracts, reservations, flavours, flavour, undo } = await setup()
      const pool = await flavours.getPool(flavour.id)
      const plan = await undo({ pool: undefined, replacement: undefined })
      await contracts.commitUndo(plan)
      expect(await reservations.getTransaction(plan.transaction.id)).toMatchObject({ status: 'released' })
      expect(await flavours.getPool(flavour.id)).toEqual(pool)
    })

    it('is not applied twice: the same plan again is contention and keeps the first undo', async () => {
      const context = await setup()
      const plan = await context.undo()
      await context.contracts.commitUndo(plan)
      const undone = await snapshot(context)
      await expect(context.contracts.commitUndo(plan)).rejects.toBeInstanceOf(ContentionError)
      expect(await snapshot(context)).toEqual(undone)
    })

    it.each<[string, (context: Context) => Promise<UndoPlan>]>([
      [
        'the transaction is not purchased',
        async ({ undo, reservations, later }) => {
          await reservations.createHold(later)
          return undo({ transaction: later })
        },
      ],
      [
        'the pool changed since it was read',
        async ({ undo, reservations, later }) => {
          const plan = await undo()
          await reservations.createHold(later)
          return plan
        },
      ],
      ['the flavour to retire does not exist', async ({ undo, restored }) => undo({ replacement: { retiredFlavourId: 'provider.local-k8slice-9999', restored } })],
      ['the flavour to retire was retired already', async ({ undo, flavour, restored }) => undo({ replacement: { retiredFlavourId: flavour.id, restored } })],
      [
        "the restored flavour's id is taken",
        async ({ undo, flavours, restored }) => {
          await flavours.publish(restored, aCapacityPool(restored))
          return undo()
        },
      ],
      [
        'the allocation it names does not exist',
        async ({ undo }) => {
          const plan = await undo()
          return { ...plan, transaction: { ...plan.transaction, allocationId: 'allocation-nowhere' } }
        },
      ],
    ])('refuses as contention when %s, changing nothing', async (_, arrange) => {
      const context = await setup()
      const plan = await arrange(context)
      const before = await snapshot(context)
      await expect(context.contracts.commitUndo(plan)).rejects.toBeInstanceOf(ContentionError)
      expect(await snapshot(context)).toEqual(before)
    })

    type Context = Awaited<ReturnType<typeof setup>>

    function snapshot({ reservations, flavours, flavour, remainder, restored, tx, later }: Context) {
      return Promise.all([
        reservations.getTransaction(tx.id),
        reservations.getTransaction(later.id),
        flavours.getPool(flavour.id),
        flavours.get(flavour.id),
        flavours.get(remainder.id),
        flavours.get(restored.id),
        flavours.listAvailable(),
      ])
    }

    async function setup(input: { remainder?: boolean } = {}) {
      const repositories = await create()
      const { flavours, reservations, contracts } = repositories
      const flavour = aK8SliceFlavour()
      const remainder = aK8SliceFlavour({ id: 'provider.local-k8slice-0002', cpu: '6', memory: '12Gi', pods: '100' })
      const restored = aK8SliceFlavour({ id: 'provider.local-k8slice-0004' })
      await flavours.publish(flavour, aCapacityPool(flavour))
      const tx = aTransaction()
      await reservations.createHold(tx)
      await contracts.commitPurchase({
        transaction: tx,
        contract: aContract(),
        allocation: anAllocation(),
        pool: await flavours.getPool(flavour.id),
        replacement: { retiredFlavourId: flavour.id, ...(input.remainder === false ? {} : { remainder }) },
      })
      const undo = async (overrides: Partial<UndoPlan> = {}): Promise<UndoPlan> => ({
        transaction: (await reservations.getTransaction(tx.id))!,
        pool: await flavours.getPool(flavour.id),
        replacement: { retiredFlavourId: remainder.id, restored },
        at: at('00:30'),
        ...overrides,
      })
      const later = ofBuyer(3, '1', { flavour: remainder, flavourId: remainder.id, poolId: flavour.id })
      return { ...repositories, flavour, remainder, restored, tx, later, undo }
    }
  })

  describe('peers', () => {
    it('puts, reads and lists peers', async () => {
      const { peers, supernode, node } = await setup()
      expect(await peers.get(supernode.id)).toEqual(supernode)
      expect(byId(await peers.list())).toEqual(byId([supernode, node]))
    })

    it('replaces a peer put again', async () => {
      const { peers, supernode, node } = await setup()
      const moved = { ...supernode, baseUrl: 'http://elsewhere.test' }
      await peers.put(moved)
      expect(await peers.get(supernode.id)).toEqual(moved)
      expect(byId(await peers.list())).toEqual(byId([moved, node]))
    })

    it('deletes a peer, and deleting an unknown one changes nothing', async () => {
      const { peers, supernode, node } = await setup()
      await peers.delete(supernode.id)
      await peers.delete('nobody')
      expect(await peers.get(supernode.id)).toBeUndefined()
      expect(await peers.list()).toEqual([node])
    })

    it('sees a peer put after it was read as unknown', async () => {
      const { peers } = await setup()
      const late = aPeer({ id: 'late-node' })
      expect(await peers.get(late.id)).toBeUndefined()
      await peers.put(late)
      expect(await peers.get(late.id)).toEqual(late)
    })

    async function setup() {
      const repositories = await create()
      const supernode = aPeer({ id: 'provider-supernode', role: 'supernode', protocol: 'rear-cloud' })
      const node = aPeer({ id: 'fluidos-node', protocol: 'fluidos-go' })
      for (const peer of [supernode, node]) await repositories.peers.put(peer)
      for (const peer of [supernode, node]) await repositories.peers.get(peer.id)
      return { ...repositories, supernode, node }
    }
  })

  describe('remote flavours', () => {
    it('lists the entries of one type still fresh at the given instant', async () => {
      const { candidates } = await setup()
      const fresh = aRemoteFlavour()
      const service = aRemoteFlavour({ flavour: aServiceFlavour() })
      const stale = aRemoteFlavour({ flavour: elsewhere('provider.local-k8slice-0002'), expiresAt: at('00:01') })
      await candidates.put([fresh, service, stale])
      expect(await candidates.listFresh('k8slice', at('00:01'))).toEqual([fresh])
      expect(await candidates.listFresh('service', at('00:01'))).toEqual([service])
      expect(await candidates.listFresh('k8slice', at('00:03'))).toEqual([])
    })

    it('refreshes an entry put again for the same provider and flavour', async () => {
      const { candidates } = await setup()
      await candidates.put([aRemoteFlavour()])
      const refreshed = aRemoteFlavour({ route: ['provider-supernode', 'provider-1'], seenAt: at('00:02'), expiresAt: at('00:05') })
      await candidates.put([refreshed])
      expect(await candidates.listFresh('k8slice', at('00:04'))).toEqual([refreshed])
    })

    it('keeps the latest seen of entries for one flavour put together', async () => {
      const { candidates } = await setup()
      const older = aRemoteFlavour({ route: ['provider-supernode', 'provider-1'] })
      const newer = aRemoteFlavour({ seenAt: at('00:01'), expiresAt: at('00:04') })
      await candidates.put([newer, older])
      expect(await candidates.listFresh('k8slice', at('00:00'))).toEqual([newer])
    })

    it('stores more entries at once than one write batch holds', async () => {
      const { candidates } = await setup()
      const many = Array.from({ length: 30 }, (_, i) => aRemoteFlavour({ flavour: elsewhere(`provider.local-k8slice-${String(i).padStart(4, '0')}`) }))
      await candidates.put(many)
      const listed = await candidates.listFresh('k8slice', at('00:00'))
      expect(byId(listed.map((entry) => entry.flavour))).toEqual(byId(many.map((entry) => entry.flavour)))
    })

    it('drops the entries stale at the given instant and counts them', async () => {
      const { candidates } = await setup()
      const fresh = aRemoteFlavour()
      const stale = [
        aRemoteFlavour({ flavour: elsewhere('provider.local-k8slice-0002'), expiresAt: at('00:01') }),
        aRemoteFlavour({ flavour: elsewhere('provider.local-k8slice-0003'), expiresAt: at('00:02') }),
        aRemoteFlavour({ flavour: aServiceFlavour(), expiresAt: at('00:02') }),
      ]
      await candidates.put([fresh, ...stale])
      expect(await candidates.removeStale(at('00:02'))).toBe(3)
      expect(await candidates.removeStale(at('00:02'))).toBe(0)
      expect(await candidates.listFresh('k8slice', at('00:00'))).toEqual([fresh])
      expect(await candidates.listFresh('service', at('00:00'))).toEqual([])
    })

    it("replaces a publisher's set: new entries added, listed ones refreshed, the others withdrawn", async () => {
      const { published } = await setup()
      const [a, b, c] = ['0001', '0002', '0003'].map((n) => aRemoteFlavour({ flavour: aK8SliceFlavour({ id: `provider.local-k8slice-${n}` }) }))
      expect(await published.replaceSet('provider-1', [a!, b!])).toEqual({ withdrawn: 0 })
      const refreshed = { ...b!, seenAt: at('00:02'), expiresAt: at('00:05') }
      expect(await published.replaceSet('provider-1', [refreshed, c!])).toEqual({ withdrawn: 1 })
      expect(byFlavour(await published.listFresh('k8slice', at('00:00')))).toEqual(byFlavour([refreshed, c!]))
    })

    it("leaves other publishers' sets alone", async () => {
      const { published } = await setup()
      const mine = aRemoteFlavour()
      const theirs = aRemoteFlavour({ flavour: elsewhere('provider.local-k8slice-0001'), route: ['provider-2'] })
      await published.replaceSet('provider-1', [mine])
      await published.replaceSet('provider-2', [theirs])
      expect(await published.replaceSet('provider-1', [])).toEqual({ withdrawn: 1 })
      expect(await published.listFresh('k8slice', at('00:00'))).toEqual([theirs])
    })

    it('forgets one flavour of one provider, and nothing else', async () => {
      const { candidates } = await setup()
      const sold = aRemoteFlavour()
      const other = aRemoteFlavour({ flavour: aK8SliceFlavour({ id: 'provider.local-k8slice-0002' }) })
      await candidates.put([sold, other])
      await candidates.forget('provider-1', sold.flavour.id)
      await candidates.forget('provider-1', 'never-seen')
      expect(await candidates.listFresh('k8slice', at('00:00'))).toEqual([other])
    })

    it('keeps Peering Candidates and published flavours apart', async () => {
      const { candidates, published } = await setup()
      const candidate = aRemoteFlavour()
      await candidates.put([candidate])
      await published.replaceSet('provider-1', [])
      expect(await published.listFresh('k8slice', at('00:00'))).toEqual([])
      expect(await candidates.listFresh('k8slice', at('00:00'))).toEqual([candidate])
    })

    function elsewhere(id: string) {
      return aK8SliceFlavour({ id, owner: aProvider({ id: 'provider-2', domain: 'other.local' }) })
    }

    function byFlavour<T extends { flavour: { id: string } }>(entries: T[]) {
      return [...entries].sort((a, b) => (a.flavour.id < b.flavour.id ? -1 : 1))
    }

    async function setup() {
      return create()
    }
  })

  describe('chain hops', () => {
    it('creates a hop once and reads it back as written', async () => {
      const { hops } = await setup()
      const hop = anOriginHop({ outbox: [anOutboxMessage(anOriginHop(), 'consumer-supernode')] })
      expect(await hops.create(hop)).toBe(true)
      expect(await hops.create({ ...hop, state: 'failed' })).toBe(false)
      expect(await hops.get('chain-1')).toEqual(hop)
    })

    it('saves at the version read and refuses a stale one as contention, with its effects', async () => {
      const { hops, contracts } = await setup()
      await hops.create(anOriginHop())
      const contract = aContract({ id: 'contract-chain-1-consumer-node' })
      await hops.save(anOriginHop({ state: 'purchased', version: 1 }), 0, { contract })
      await expect(hops.save(anOriginHop({ state: 'failed', version: 1 }), 0)).rejects.toBeInstanceOf(ContentionError)
      expect(await hops.get('chain-1')).toMatchObject({ state: 'purchased', version: 1 })
      expect(await contracts.get(contract.id)).toMatchObject({ id: contract.id })
    })

    it('lists the hops due: live ones past their deadline, purchased ones past their contract end, and undrained outboxes, oldest first', async () => {
      const { hops } = await setup()
      const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds))
      await hops.create(anOriginHop({ chainId: 'late', deadline: at(30) }))
      await hops.create(anOriginHop({ chainId: 'later', deadline: at(50) }))
      await hops.create(anOriginHop({ chainId: 'settled', state: 'failed', deadline: at(10) }))
      await hops.create(anOriginHop({ chainId: 'undrained', state: 'purchased', deadline: at(3600), updatedAt: at(0), outbox: [anOutboxMessage(anOriginHop(), 'consumer-supernode')] }))
      await hops.create(anOriginHop({ chainId: 'ended', state: 'purchased', deadline: at(80) }))
      await hops.create(aRelayHop({ chainId: 'relay', state: 'reserved', deadline: at(70) }))
      expect((await hops.listDue(at(45), 10)).map((h) => h.chainId)).toEqual(['late'])
      expect((await hops.listDue(at(61), 10)).map((h) => h.chainId)).toEqual(['late', 'later', 'undrained'])
      expect((await hops.listDue(at(90), 2)).map((h) => h.chainId)).toEqual(['late', 'later'])
      expect((await hops.listDue(at(90), 10)).map((h) => h.chainId)).toEqual(['late', 'later', 'undrained', 'relay', 'ended'])
    })

    it('leaves the due list once settled and drained', async () => {
      const { hops } = await setup()
      await hops.create(anOriginHop())
      await hops.save(anOriginHop({ state: 'failed', version: 1 }), 0)
      expect(await hops.listDue(new Date('2030-01-01T00:00:00Z'), 10)).toEqual([])
    })

    async function setup() {
      return create()
    }
  })
})
