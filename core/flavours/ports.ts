import type { CapacityPool, Flavour, StoredFlavour, SupportedFlavourType } from './model.ts'

/** Available Resources: the advertised flavours of this participant and their capacity pools. */
export interface FlavourRepository extends FlavourLifecycle {
  get(id: string): Promise<StoredFlavour | undefined>
  /** Advertised, available flavours of one type, or of every supported type. */
  listAvailable(type?: SupportedFlavourType): Promise<Flavour[]>
  /** Advertises a new flavour with a fresh pool holding its whole capacity; idempotent per flavour id. */
  publish(flavour: Flavour, pool: CapacityPool): Promise<void>
  getPool(id: string): Promise<CapacityPool | undefined>
}

/**
 * One guarded change of an advertised flavour and its pool: applied only while the pool is still at
 * `previous.version` (else a ContentionError for the use case to retry), so a refresh or withdrawal
 * never overwrites a concurrent hold or purchase.
 */
export interface FlavourChange {
  previous: CapacityPool
  /** The pool after the change (version `previous.version + 1`). */
  pool: CapacityPool
}

/** A refresh: `flavour` (on `pool.id`, id `pool.currentFlavourId`) becomes the advertised flavour of the pool. */
export interface FlavourRefresh extends FlavourChange {
  flavour: Flavour
}

/** A withdrawal: flavour `flavourId` is no longer advertised; the pool keeps its holds and has no current flavour. */
export interface FlavourWithdrawal extends FlavourChange {
  flavourId: string
}

/** What the agent needs beyond publishing: refreshing and withdrawing a node's flavour in place. */
export interface FlavourLifecycle {
  /** Writes the refreshed flavour (listed again if it was not) and the pool, iff the pool is unchanged. */
  refresh(change: FlavourRefresh): Promise<void>
  /** Stops listing the flavour and clears the pool's current flavour, iff the pool is unchanged. */
  withdraw(change: FlavourWithdrawal): Promise<void>
}
