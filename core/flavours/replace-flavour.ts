import { ConflictError } from '../shared/errors.ts'
import type { Clock } from '../shared/ports.ts'
import { retryOnContention } from '../shared/retry.ts'
import type { ResourceAmounts } from '../quantity/units.ts'
import { LEDGER_RESOURCES } from '../quantity/units.ts'
import type { Flavour } from './model.ts'
import { capacityOf } from './partitioning.ts'
import type { FlavourRepository } from './ports.ts'
import { assertPublishable, publishFlavour } from './publish-flavour.ts'

export interface ReplaceFlavourDeps {
  flavours: FlavourRepository
  clock: Clock
}

/** What a refresh did: `advertisedId` is the id the pool's flavour is now listed under. */
export interface ReplaceOutcome {
  outcome: 'created' | 'replaced'
  advertised: Flavour
}

/** `free + (next − previous)` per resource, never below zero: what is held stays held. */
export function movedFree(free: ResourceAmounts, previous: ResourceAmounts, next: ResourceAmounts): ResourceAmounts {
  return Object.fromEntries(LEDGER_RESOURCES.map((r) => [r, Math.max(0, free[r] + next[r] - previous[r])])) as ResourceAmounts
}

/**
 * The agent's refresh of a node's flavour (issue 12 part 2): flavour ids are stable per node, so a
 * refresh replaces, never duplicates. An unknown id is published with a fresh pool. A known id leads
 * to its pool: the new characteristics become the pool's advertised flavour, under the pool's current
 * flavour id (a purchase's remainder keeps its id, so holds taken on it stay valid) or, when the pool
 * has none (withdrawn or sold out), under the requested id again. The pool's free capacity moves by the
 * difference between the new and the previously advertised capacity, never below zero, so capacity
 * already held or sold is never offered again. Repeating a refresh changes nothing more.
 */
export async function replaceFlavour(deps: ReplaceFlavourDeps, flavour: Flavour): Promise<ReplaceOutcome> {
  await assertPublishable(flavour)
  return retryOnContention(deps.clock, async () => {
    const stored = await deps.flavours.get(flavour.id)
    if (!stored) {
      await publishFlavour(deps.flavours, flavour)
      const published = await deps.flavours.get(flavour.id)
      return { outcome: 'created', advertised: published?.flavour ?? flavour }
    }
    if (stored.flavour.spec.type !== flavour.spec.type) {
      throw new ConflictError(`Flavour ${flavour.id} is a ${stored.flavour.spec.type}; a refresh cannot make it a ${flavour.spec.type}`, {
        code: 'FLAVOUR_TYPE_CHANGED',
      })
    }
    const pool = await deps.flavours.getPool(stored.poolId)
    if (!pool) throw new ConflictError(`Flavour ${flavour.id} has no capacity pool`, { code: 'FLAVOUR_WITHOUT_POOL' })
    const current = pool.currentFlavourId ? await deps.flavours.get(pool.currentFlavourId) : undefined
    const previous = current ?? stored
    const advertised: Flavour = { ...flavour, id: pool.currentFlavourId ?? flavour.id }
    await deps.flavours.refresh({
      previous: pool,
      pool: { ...pool, currentFlavourId: advertised.id, free: movedFree(pool.free, capacityOf(previous.flavour), capacityOf(flavour)), version: pool.version + 1 },
      flavour: advertised,
    })
    return { outcome: 'replaced', advertised }
  })
}
