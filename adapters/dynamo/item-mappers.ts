import type { ResourceAmounts } from '../../core/quantity/units.ts'
import { LEDGER_RESOURCES } from '../../core/quantity/units.ts'
import type { CapacityPool, Flavour, StoredFlavour } from '../../core/flavours/model.ts'
import type { Transaction, TransactionStatus } from '../../core/reservations/model.ts'
import type { Contract } from '../../core/contracts/model.ts'
import type { Allocation } from '../../core/allocations/model.ts'
import { flavourFromWire, flavourToWire } from '../../core/wire/flavour-codec.ts'
import { configurationFromWire, configurationToWire } from '../../core/wire/configuration-codec.ts'
import { contractFromWire, contractToWire } from '../../core/wire/contract-codec.ts'
import { flavourShard, index, key } from './table-schema.ts'

type Item = Record<string, unknown>

/** Flavours, their snapshots and contracts are stored in their FLUIDOS wire form: one exact codec, no second mapping. */
export const flavourToItem = (flavour: Flavour, poolId: string): Item => ({
  ...key.flavour(flavour.id),
  kind: 'flavour',
  type: flavour.spec.type,
  poolId,
  wire: JSON.stringify(flavourToWire(flavour)),
  ...(flavour.available ? { gsi1pk: index.availableFlavours(flavour.spec.type, flavourShard(flavour.id)), gsi1sk: flavour.id } : {}),
})

const decoded = new Map<string, Flavour>()
const DECODE_CACHE_LIMIT = 50_000

/**
 * Flavours never change in place (a purchase replaces them under a new id), so decoded flavours are
 * memoised by their stored wire text; the returned objects are shared and must not be mutated.
 */
export function flavourFromWireText(wire: string): Flavour {
  let flavour = decoded.get(wire)
  if (!flavour) {
    flavour = flavourFromWire(JSON.parse(wire))
    if (decoded.size >= DECODE_CACHE_LIMIT) decoded.delete(decoded.keys().next().value as string)
    decoded.set(wire, flavour)
  }
  return flavour
}

export const flavourFromItem = (item: Item): StoredFlavour => ({
  flavour: flavourFromWireText(item.wire as string),
  poolId: item.poolId as string,
  ...(item.retired ? { retired: true } : {}),
})

export const freeAttribute = (resource: string) => `free_${resource}`

export const poolToItem = (pool: CapacityPool): Item => ({
  ...key.pool(pool.id),
  kind: 'pool',
  currentFlavourId: pool.currentFlavourId,
  version: pool.version,
  ...Object.fromEntries(LEDGER_RESOURCES.map((r) => [freeAttribute(r), pool.free[r]])),
})

export const poolFromItem = (item: Item): CapacityPool => ({
  id: (item.pk as string).slice('POOL#'.length),
  currentFlavourId: item.currentFlavourId as string | undefined,
  version: item.version as number,
  free: Object.fromEntries(LEDGER_RESOURCES.map((r) => [r, Number(item[freeAttribute(r)] ?? 0)])) as ResourceAmounts,
})

export const holdIndexKey = (tx: Transaction) => ({ gsi1pk: index.liveHolds, gsi1sk: `${tx.expiresAt.toISOString()}#${tx.id}` })

export const transactionToItem = (tx: Transaction): Item => ({
  ...key.transaction(tx.id),
  kind: 'transaction',
  flavourId: tx.flavourId,
  poolId: tx.poolId,
  buyer: { ...tx.buyer },
  reservationKey: tx.reservationKey,
  clusterId: tx.clusterId,
  buyerKubeconfig: tx.buyerKubeconfig,
  configuration: tx.configuration ? configurationToWire(tx.configuration) : undefined,
  hold: { ...tx.hold },
  flavour: JSON.stringify(flavourToWire(tx.flavour)),
  createdAt: tx.createdAt.toISOString(),
  expiresAt: tx.expiresAt.toISOString(),
  status: tx.status,
  contractId: tx.contractId,
  allocationId: tx.allocationId,
  version: tx.version,
  ...(tx.status === 'reserved' ? holdIndexKey(tx) : {}),
})

export const transactionFromItem = (item: Item): Transaction => ({
  id: (item.pk as string).slice('TX#'.length),
  flavourId: item.flavourId as string,
  poolId: item.poolId as string,
  buyer: item.buyer as Transaction['buyer'],
  reservationKey: (item.reservationKey as string | undefined) ?? (item.buyer as Transaction['buyer']).id,
  clusterId: item.clusterId as string,
  ...(item.buyerKubeconfig ? { buyerKubeconfig: item.buyerKubeconfig as string } : {}),
  ...(item.configuration ? { configuration: configurationFromWire(item.configuration as { type: string; data: unknown }) } : {}),
  hold: item.hold as ResourceAmounts,
  flavour: flavourFromWire(JSON.parse(item.flavour as string)),
  createdAt: new Date(item.createdAt as string),
  expiresAt: new Date(item.expiresAt as string),
  status: item.status as TransactionStatus,
  ...(item.contractId ? { contractId: item.contractId as string } : {}),
  ...(item.allocationId ? { allocationId: item.allocationId as string } : {}),
  version: item.version as number,
})

export const contractToItem = (contract: Contract): Item => ({
  ...key.contract(contract.id),
  kind: 'contract',
  transactionId: contract.transactionId,
  wire: JSON.stringify(contractToWire(contract)),
  status: contract.status ?? 'active',
  createdAt: contract.createdAt.toISOString(),
})

export const contractFromItem = (item: Item): Contract => ({
  ...contractFromWire(JSON.parse(item.wire as string), new Date(item.createdAt as string)),
  ...(item.status === 'released' ? { status: 'released' as const } : {}),
  ...(item.releasedAt ? { releasedAt: new Date(item.releasedAt as string) } : {}),
})

export const allocationToItem = (allocation: Allocation): Item => ({
  ...key.allocation(allocation.id),
  kind: 'allocation',
  allocationType: allocation.type,
  status: allocation.status,
  contractId: allocation.contractId,
  flavourId: allocation.flavourId,
  createdAt: allocation.createdAt.toISOString(),
  updatedAt: allocation.updatedAt.toISOString(),
  gsi1pk: index.allocations(allocation.status),
  gsi1sk: `${allocation.createdAt.toISOString()}#${allocation.id}`,
})
