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

/** Contracts and the atomic purchase commit (seed steps 23–25). */
export interface ContractRepository {
  get(id: string): Promise<Contract | undefined>
  /**
   * Commits a {@link PurchasePlan} in one transaction; throws ContentionError when the transaction
   * or the pool changed since they were read (the caller re-reads and decides again).
   */
  commitPurchase(plan: PurchasePlan): Promise<void>
}
