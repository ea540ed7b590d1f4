import { ContentionError } from '../../core/shared/errors.ts'
import { Quantity } from '../../core/quantity/quantity.ts'
import type { LedgerResource, ResourceAmounts } from '../../core/quantity/units.ts'
import { LEDGER_RESOURCES } from '../../core/quantity/units.ts'
import type { CapacityPool, Flavour, StoredFlavour, SupportedFlavourType } from '../../core/flavours/model.ts'
import type { FlavourRepository } from '../../core/flavours/ports.ts'
import type { Transaction } from '../../core/reservations/model.ts'
import type { ReservationRepository } from '../../core/reservations/ports.ts'
import { CapacityUnavailableError, FlavourGoneError, ReservationKeyTakenError, TooManyHoldsError } from '../../core/reservations/errors.ts'
import { isLive, retryAfterEarliest } from '../../core/reservations/model.ts'
import type { Contract } from '../../core/contracts/model.ts'
import type { ContractRepository, PurchasePlan, UndoPlan } from '../../core/contracts/ports.ts'
import type { Allocation } from '../../core/allocations/model.ts'

/** A deep copy that keeps (immutable) Quantity instances and Dates. */
export function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T
  if (value instanceof Date) return new Date(value) as T
  if (value instanceof Quantity || value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T
}
const fits = (free: ResourceAmounts, demand: ResourceAmounts) => LEDGER_RESOURCES.every((r) => free[r] >= demand[r])
const apply = (free: ResourceAmounts, delta: ResourceAmounts, sign: 1 | -1): ResourceAmounts =>
  Object.fromEntries(LEDGER_RESOURCES.map((r: LedgerResource) => [r, free[r] + sign * delta[r]])) as ResourceAmounts

/**
 * In-memory fake of the provider's storage ports with the same guards as the DynamoDB adapters.
 * `failNext` injects a failure (e.g. a ContentionError) into the next call of a method.
 */
export class InMemoryProviderStore {
  readonly flavours = new Map<string, StoredFlavour>()
  readonly pools = new Map<string, CapacityPool>()
  readonly transactions = new Map<string, Transaction>()
  readonly keys = new Map<string, string>()
  readonly contracts = new Map<string, Contract>()
  readonly allocations = new Map<string, Allocation>()
  private readonly faults = new Map<string, Error[]>()

  /** Flavours still advertised (not replaced by a remainder). */
  advertised(): Flavour[] {
    return [...this.flavours.values()].filter((s) => !s.retired).map((s) => s.flavour)
  }

  failNext(method: string, error: Error = new ContentionError(), times = 1): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...Array.from({ length: times }, () => error)])
  }

  private fault(method: string): void {
    const next = this.faults.get(method)?.shift()
    if (next) throw next
  }

  readonly flavourRepository: FlavourRepository = {
    get: async (id) => copy(this.flavours.get(id)),
    listAvailable: async (type?: SupportedFlavourType) =>
      [...this.flavours.values()].filter((s) => !s.retired).map((s) => copy(s.flavour)).filter((f) => f.available && (!type || f.spec.type === type)),
    publish: async (flavour: Flavour, pool: CapacityPool) => {
      if (this.pools.has(pool.id) || this.flavours.has(flavour.id)) return
      this.pools.set(pool.id, copy(pool))
      this.flavours.set(flavour.id, { flavour: copy(flavour), poolId: pool.id })
    },
    getPool: async (id) => copy(this.pools.get(id)),
    refresh: async ({ previous, pool, flavour }) => {
      this.fault('refresh')
      const stored = this.pools.get(previous.id)
      if (!stored || stored.version !== previous.version) throw new ContentionError()
      this.pools.set(pool.id, copy(pool))
      this.flavours.set(flavour.id, { flavour: copy(flavour), poolId: pool.id })
    },
    withdraw: async ({ previous, pool, flavourId }) => {
      this.fault('withdraw')
      const stored = this.pools.get(previous.id)
      const flavour = this.flavours.get(flavourId)
      if (!stored || stored.version !== previous.version || !flavour) throw new ContentionError()
      this.pools.set(pool.id, copy(pool))
      flavour.retired = true
    },
  }

  readonly reservationRepository: ReservationRepository = {
    getTransaction: async (id) => copy(this.transactions.get(id)),
    findByBuyer: async (buyerId, flavourId) => {
      const id = this.keys.get(`${buyerId}#${flavourId}`)
      return id ? copy(this.transactions.get(id)) : undefined
    },
    createHold: async (tx, cap) => {
      this.fault('createHold')
      const key = `${tx.reservationKey}#${tx.flavourId}`
      if (this.keys.has(key)) throw new ReservationKeyTakenError(tx.reservationKey, tx.flavourId)
      const live = cap ? [...this.transactions.values()].filter((held) => held.buyer.id === tx.buyer.id && isLive(held, cap.now)) : []
      if (cap && live.length >= cap.max) throw new TooManyHoldsError(tx.buyer.id, cap.max, retryAfterEarliest(live, cap.now))
      if (this.transactions.has(tx.id)) throw new ContentionError('transaction id collision')
      const pool = this.pools.get(tx.poolId)
      if (!pool || pool.currentFlavourId !== tx.flavourId) throw new FlavourGoneError(tx.flavourId)
      if (!fits(pool.free, tx.hold)) throw new CapacityUnavailableError(tx.flavourId)
      pool.free = apply(pool.free, tx.hold, -1)
      pool.version++
      this.transactions.set(tx.id, copy(tx))
      this.keys.set(key, tx.id)
    },
    updateHold: async (previous, next) => {
      this.fault('updateHold')
      const stored = this.transactions.get(previous.id)
      if (!stored || stored.version !== previous.version || stored.status !== 'reserved') throw new ContentionError()
      const pool = this.pools.get(previous.poolId)
      if (!pool) throw new FlavourGoneError(previous.flavourId)
      const delta = apply(next.hold, previous.hold, -1)
      if (!fits(pool.free, delta)) throw new CapacityUnavailableError(previous.flavourId)
      pool.free = apply(pool.free, delta, -1)
      this.transactions.set(next.id, copy(next))
    },
    extendHold: async (tx, expiresAt, now) => {
      this.fault('extendHold')
      const stored = this.transactions.get(tx.id)
      if (!stored || stored.status !== 'reserved' || (now && stored.expiresAt <= now)) throw new ContentionError()
      stored.expiresAt = new Date(expiresAt)
    },
    releaseHold: async (tx, status, _at) => {
      const stored = this.transactions.get(tx.id)
      if (!stored || stored.status !== 'reserved') return false
      const pool = this.pools.get(stored.poolId)
      if (pool) pool.free = apply(pool.free, stored.hold, 1)
      stored.status = status
      stored.version++
      const key = `${stored.reservationKey}#${stored.flavourId}`
      if (this.keys.get(key) === stored.id) this.keys.delete(key)
      return true
    },
    listExpired: async (now, { limit, poolId }) =>
      [...this.transactions.values()]
        .filter((tx) => tx.status === 'reserved' && tx.expiresAt <= now && (!poolId || tx.poolId === poolId))
        .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, limit)
        .map(copy),
  }

  readonly contractRepository: ContractRepository = {
    get: async (id) => copy(this.contracts.get(id)),
    commitPurchase: async (plan: PurchasePlan) => {
      this.fault('commitPurchase')
      const tx = this.transactions.get(plan.transaction.id)
      if (!tx || tx.status !== 'reserved' || tx.version !== plan.transaction.version) throw new ContentionError()
      const key = `${tx.reservationKey}#${tx.flavourId}`
      const holder = this.keys.get(key)
      if ((holder && holder !== tx.id) || this.contracts.has(plan.contract.id) || this.allocations.has(plan.allocation.id)) throw new ContentionError()
      const pool = plan.pool && this.pools.get(plan.pool.id)
      if (plan.pool && (!pool || pool.version !== plan.pool.version)) throw new ContentionError()
      const { replacement } = plan
      const retired = replacement && pool ? this.flavours.get(replacement.retiredFlavourId) : undefined
      if (replacement && pool && (!retired || retired.retired)) throw new ContentionError()
      if (replacement?.remainder && pool && this.flavours.has(replacement.remainder.id)) throw new ContentionError()
      if (pool) {
        pool.version++
        if (replacement && retired) {
          retired.retired = true
          pool.currentFlavourId = replacement.remainder?.id
          if (replacement.remainder) this.flavours.set(replacement.remainder.id, { flavour: copy(replacement.remainder), poolId: pool.id })
        }
      }
      tx.status = 'purchased'
      tx.contractId = plan.contract.id
      tx.allocationId = plan.allocation.id
      tx.version++
      if (holder) this.keys.delete(key)
      this.contracts.set(plan.contract.id, copy(plan.contract))
      this.allocations.set(plan.allocation.id, copy(plan.allocation))
    },
    commitUndo: async (plan: UndoPlan) => {
      this.fault('commitUndo')
      const tx = this.transactions.get(plan.transaction.id)
      if (!tx || tx.status !== 'purchased' || tx.version !== plan.transaction.version) throw new ContentionError()
      const pool = plan.pool && this.pools.get(plan.pool.id)
      if (plan.pool && (!pool || pool.version !== plan.pool.version)) throw new ContentionError()
      const replacement = pool ? plan.replacement : undefined
      const retired = replacement?.retiredFlavourId ? this.flavours.get(replacement.retiredFlavourId) : undefined
      if (replacement?.retiredFlavourId && (!retired || retired.retired)) throw new ContentionError()
      if (replacement && this.flavours.has(replacement.restored.id)) throw new ContentionError()
      const allocation = plan.transaction.allocationId ? this.allocations.get(plan.transaction.allocationId) : undefined
      if (plan.transaction.allocationId && !allocation) throw new ContentionError()
      if (pool) {
        pool.version++
        pool.free = apply(pool.free, tx.hold, 1)
        if (replacement) {
          if (retired) retired.retired = true
          pool.currentFlavourId = replacement.restored.id
          this.flavours.set(replacement.restored.id, { flavour: copy(replacement.restored), poolId: pool.id })
        }
      }
      if (allocation) Object.assign(allocation, { status: 'released', updatedAt: plan.at })
      const contract = tx.contractId ? this.contracts.get(tx.contractId) : undefined
      if (contract) Object.assign(contract, { status: 'released', releasedAt: plan.at })
      tx.status = 'released'
      tx.version++
    },
  }
}
