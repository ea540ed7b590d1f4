import type { Flavour, K8SliceConfiguration, K8SliceFlavour } from '../flavours/model.ts'
import { isK8Slice } from '../flavours/model.ts'
import { resolveConfiguration } from '../flavours/partitioning.ts'
import { hotItemContentionRetry, retryOnContention } from '../shared/retry.ts'
import type { PurchaseDeps } from './purchase-flavour.ts'
import { lineageFlavourId } from './purchase-flavour.ts'
import type { UndoPlan } from './ports.ts'

/** `flavour` grown by what `configuration` took out of it: the inverse of `remainderOf`. */
function grownBy(flavour: K8SliceFlavour, configuration: K8SliceConfiguration, newId: string, now: Date): K8SliceFlavour {
  const c = flavour.spec.characteristics
  const gpu = c.gpu && configuration.gpu ? { model: c.gpu.model, cores: c.gpu.cores.add(configuration.gpu.cores), memory: c.gpu.memory.add(configuration.gpu.memory) } : c.gpu
  const storage = c.storage && configuration.storage ? c.storage.add(configuration.storage) : c.storage
  return {
    ...flavour,
    id: newId,
    createdAt: now,
    spec: {
      ...flavour.spec,
      characteristics: { architecture: c.architecture, cpu: c.cpu.add(configuration.cpu), memory: c.memory.add(configuration.memory), pods: c.pods.add(configuration.pods), ...(gpu ? { gpu } : {}), ...(storage ? { storage } : {}) },
    },
  }
}

/** What was sold as a flavour of its own: the case where nothing of the lineage is on sale any more. */
function soldPart(flavour: K8SliceFlavour, configuration: K8SliceConfiguration, newId: string, now: Date): K8SliceFlavour {
  const { type: _type, ...sold } = configuration
  return { ...flavour, id: newId, createdAt: now, spec: { ...flavour.spec, characteristics: { architecture: flavour.spec.characteristics.architecture, ...sold } } }
}

async function plan(deps: PurchaseDeps, transactionId: string): Promise<UndoPlan | undefined> {
  const tx = await deps.reservations.getTransaction(transactionId)
  if (!tx || tx.status !== 'purchased') return undefined
  const now = deps.clock.now()
  const base: UndoPlan = { transaction: tx, at: now }
  if (!isK8Slice(tx.flavour)) return base
  const pool = await deps.flavours.getPool(tx.poolId)
  if (!pool) return base
  const current = pool.currentFlavourId ? await deps.flavours.get(pool.currentFlavourId) : undefined
  const configuration = (await resolveConfiguration(tx.flavour, tx.configuration)) as K8SliceConfiguration
  const newId = lineageFlavourId(tx.flavour, deps.self, deps.ids.hex(8))
  const restored: Flavour =
    current && isK8Slice(current.flavour) ? grownBy(current.flavour, configuration, newId, now) : soldPart(tx.flavour, configuration, newId, now)
  return { ...base, pool, replacement: { ...(current ? { retiredFlavourId: current.flavour.id } : {}), restored } }
}

/**
 * Undoes a sale whose chain was abandoned (the buyer timed out and released it): the transaction is
 * released, its Node allocation too, the capacity goes back to the pool and the advertised flavour
 * grows back by what was sold. Idempotent: a transaction not purchased (any more) is left alone.
 * True when this call undid the sale.
 */
export async function undoPurchase(deps: PurchaseDeps, transactionId: string): Promise<boolean> {
  return retryOnContention(
    deps.clock,
    async () => {
      const undo = await plan(deps, transactionId)
      if (!undo) return false
      await deps.contracts.commitUndo(undo)
      deps.logger.info('SALE_UNDONE', { transactionId, contractId: undo.transaction.contractId, restoredFlavourId: undo.replacement?.restored.id })
      return true
    },
    hotItemContentionRetry,
  )
}
