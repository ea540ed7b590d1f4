import { NotFoundError } from '../shared/errors.ts'
import type { Clock } from '../shared/ports.ts'
import { retryOnContention } from '../shared/retry.ts'
import type { FlavourRepository } from './ports.ts'

export interface WithdrawFlavourDeps {
  flavours: FlavourRepository
  clock: Clock
}

/**
 * The agent's withdrawal of a node's flavour (a deleted or excluded node): the pool's advertised
 * flavour is no longer listed nor reservable; holds and contracts already made on the pool stay valid
 * and its free capacity is kept, so a later refresh of the same id moves it from there. Withdrawing
 * again is a no-op (`false`); an id never published is a 404.
 */
export async function withdrawFlavour(deps: WithdrawFlavourDeps, flavourId: string): Promise<boolean> {
  return retryOnContention(deps.clock, async () => {
    const stored = await deps.flavours.get(flavourId)
    if (!stored) throw new NotFoundError('Flavour', flavourId)
    const pool = await deps.flavours.getPool(stored.poolId)
    if (!pool?.currentFlavourId) return false
    await deps.flavours.withdraw({
      previous: pool,
      pool: { ...pool, currentFlavourId: undefined, version: pool.version + 1 },
      flavourId: pool.currentFlavourId,
    })
    return true
  })
}
