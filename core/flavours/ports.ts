import type { CapacityPool, Flavour, StoredFlavour, SupportedFlavourType } from './model.ts'

/** Available Resources: the advertised flavours of this participant and their capacity pools. */
export interface FlavourRepository {
  get(id: string): Promise<StoredFlavour | undefined>
  /** Advertised, available flavours of one type, or of every supported type. */
  listAvailable(type?: SupportedFlavourType): Promise<Flavour[]>
  /** Advertises a new flavour with a fresh pool holding its whole capacity; idempotent per flavour id. */
  publish(flavour: Flavour, pool: CapacityPool): Promise<void>
  getPool(id: string): Promise<CapacityPool | undefined>
}
