import type { IndexRowSource, ListedRow } from '../../core/catalog/indexed-listing.ts'
import type { CapacityPool, Flavour } from '../../core/flavours/model.ts'
import { SUPPORTED_FLAVOUR_TYPES } from '../../core/flavours/model.ts'
import { availableOf } from '../../core/reservations/holds-reflected.ts'
import { flavourToWire } from '../../core/wire/flavour-codec.ts'
import { batchGet } from './batch-get.ts'
import type { TableContext } from './document-client.ts'
import { flavourFromItem, flavourFromWireText, poolFromItem } from './item-mappers.ts'
import { queryIndexPartition } from './query-index.ts'
import { FLAVOUR_INDEX_SHARDS, index, key } from './table-schema.ts'

const encoder = new TextEncoder()

/** The flavour as LIST_FLAVORS shows it (holds subtracted) and its wire JSON, or undefined when nothing is left to list. */
function listed(flavour: Flavour, pool: CapacityPool | undefined): ListedRow | undefined {
  const available = pool ? availableOf(flavour, pool) : flavour
  return available ? { flavour: available, payload: encoder.encode(JSON.stringify(flavourToWire(available))) } : undefined
}

const decoder = new TextDecoder()

/** An own row as discovery uses it: the listed flavour, from the wire JSON it is answered with. */
export const ownFromPayload = (bytes: Uint8Array): Flavour => flavourFromWireText(decoder.decode(bytes))

/**
 * A node's own listing, one row per capacity pool: the pool's current flavour, unless retired, with
 * the pool's live holds subtracted.
 */
export class OwnFlavourRows implements IndexRowSource {
  constructor(private readonly table: TableContext) {}

  async load(poolIds: readonly string[]): Promise<Map<string, ListedRow | undefined>> {
    const pools = (await batchGet(this.table, poolIds.map((id) => key.pool(id)))).map(poolFromItem)
    const current = pools.filter((pool) => pool.currentFlavourId !== undefined)
    const stored = (await batchGet(this.table, current.map((pool) => key.flavour(pool.currentFlavourId!)))).map(flavourFromItem)
    const byId = new Map(stored.filter((s) => !s.retired).map((s) => [s.flavour.id, s.flavour]))
    const rows = new Map<string, ListedRow | undefined>(poolIds.map((id) => [id, undefined]))
    for (const pool of current) {
      const flavour = byId.get(pool.currentFlavourId!)
      if (flavour) rows.set(pool.id, listed(flavour, pool))
    }
    return rows
  }

  async loadAll(): Promise<Map<string, ListedRow>> {
    const partitions = SUPPORTED_FLAVOUR_TYPES.flatMap((type) => Array.from({ length: FLAVOUR_INDEX_SHARDS }, (_, shard) => index.availableFlavours(type, shard)))
    const items = (await Promise.all(partitions.map((p) => queryIndexPartition(this.table, p, 'wire, poolId')))).flat()
    const stored = items.map(flavourFromItem)
    const pools = new Map((await batchGet(this.table, stored.map((s) => key.pool(s.poolId)))).map(poolFromItem).map((pool) => [pool.id, pool]))
    const rows = new Map<string, ListedRow>()
    for (const { flavour, poolId } of stored) {
      const row = listed(flavour, pools.get(poolId))
      if (row) rows.set(poolId, row)
    }
    return rows
  }
}
