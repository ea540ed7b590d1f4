import { Quantity } from '../quantity/quantity.ts'
import type { LedgerResource, ResourceAmounts } from '../quantity/units.ts'
import { LEDGER_RESOURCES, NANOS_PER_UNIT } from '../quantity/units.ts'
import type { CapacityPool, Flavour, K8SliceConfiguration, K8SliceFlavour } from '../flavours/model.ts'
import { isK8Slice } from '../flavours/model.ts'
import { capacityOf, remainderOf } from '../flavours/partitioning.ts'
import type { FlavourRepository } from '../flavours/ports.ts'

/** `free` base units of a resource as a quantity in `like`'s format, never more than `like`. */
function freeAs(like: Quantity, free: number, resource: LedgerResource): Quantity {
  const quantity = Quantity.fromNanos(BigInt(Math.max(0, free)) * NANOS_PER_UNIT[resource], like.format)
  return quantity.cmp(like) < 0 ? quantity : like
}

/** What the live holds take of `flavour`, given its pool's free capacity: the flavour minus what is free. */
function heldOf(flavour: K8SliceFlavour, free: ResourceAmounts): K8SliceConfiguration {
  const c = flavour.spec.characteristics
  const held = (like: Quantity, resource: LedgerResource) => like.sub(freeAs(like, free[resource], resource))
  return {
    type: 'k8slice',
    cpu: held(c.cpu, 'cpu'),
    memory: held(c.memory, 'memory'),
    pods: held(c.pods, 'pods'),
    ...(c.storage ? { storage: held(c.storage, 'storage') } : {}),
    ...(c.gpu ? { gpu: { model: c.gpu.model, cores: held(c.gpu.cores, 'gpu'), memory: held(c.gpu.memory, 'gpuMemory') } } : {}),
  }
}

/**
 * A flavour as buyers can still take it: unchanged while its pool has its whole capacity free,
 * reduced to what is free while holds take part of it (same id, so it is reserved as listed), and
 * undefined when not even a minimum slice is free (a hold on the whole flavour unlists it).
 */
export async function asAvailable(flavours: FlavourRepository, flavour: Flavour): Promise<Flavour | undefined> {
  if (!isK8Slice(flavour)) return flavour
  const stored = await flavours.get(flavour.id)
  const pool = stored ? await flavours.getPool(stored.poolId) : undefined
  return pool ? availableOf(flavour, pool) : flavour
}

/** {@link asAvailable} with the flavour's pool at hand. */
export function availableOf(flavour: Flavour, pool: CapacityPool): Flavour | undefined {
  if (!isK8Slice(flavour)) return flavour
  const capacity = capacityOf(flavour)
  if (LEDGER_RESOURCES.every((r) => pool.free[r] >= capacity[r])) return flavour
  return remainderOf(flavour, heldOf(flavour, pool.free), flavour.id, flavour.createdAt)
}

/**
 * The flavour repository whose listing reflects live holds ({@link asAvailable}); everything else is
 * `flavours` as is. LIST_FLAVORS, publications and local discovery list through it, so nobody is
 * offered capacity that a hold already takes.
 */
export function holdsReflected(flavours: FlavourRepository): FlavourRepository {
  return {
    get: (id) => flavours.get(id),
    getPool: (id) => flavours.getPool(id),
    publish: (flavour, pool) => flavours.publish(flavour, pool),
    refresh: (change) => flavours.refresh(change),
    withdraw: (change) => flavours.withdraw(change),
    listAvailable: async (type) => {
      const listed = await Promise.all((await flavours.listAvailable(type)).map((flavour) => asAvailable(flavours, flavour)))
      return listed.filter((flavour): flavour is Flavour => flavour !== undefined)
    },
  }
}
