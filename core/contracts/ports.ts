import type { Allocation } from '../allocations/model.ts'
import type { CapacityPool, Flavour } from '../flavours/model.ts'
import type { Transaction } from '../reservations/model.ts'
import type { Contract } from './model.ts'

/** Everything one purchase changes, committed at once or not at all. */
export interface PurchasePlan {
  /** As read: must still be reserved at this version. */
  transaction: Transaction
  contract: Contract
  allocation: Allocation
  /** As read: must still be at this version (K8Slice only). */
  pool?: CapacityPool
  /** The advertised flavour that goes, and the reduced one that replaces it if anything is left. */
  replacement?: { retiredFlavourId: string; remainder?: Flavour }
}

/** Everything undoing a sale changes, committed at once or not at all. */
export interface UndoPlan {
  /** As read: must still be purchased at this version; becomes released, with its Node allocation. */
  transaction: Transaction
  /** As read: must still be at this version; gets the transaction's hold back. */
  pool?: CapacityPool
  /** The advertised flavour that goes (if any is left) and the grown one that replaces it. */
  replacement?: { retiredFlavourId?: string; restored: Flavour }
  at: Date
}

/** Contracts and the atomic purchase commit (seed steps 23–25). */
export interface ContractRepository {
  get(id: string): Promise<Contract | undefined>
  /**
   * Commits a {@link PurchasePlan} in one transaction; throws ContentionError when the transaction
   * or the pool changed since they were read (the caller re-reads and decides again).
   */
  commitPurchase(plan: PurchasePlan): Promise<void>
  /** Commits an {@link UndoPlan} in one transaction; throws ContentionError when anything changed since read. */
  commitUndo(plan: UndoPlan): Promise<void>
}
