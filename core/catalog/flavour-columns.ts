import { K8SLICE_QUANTITY_FILTERS } from '../flavours/selector.ts'
import type { K8SliceQuantityFilterName } from '../flavours/selector.ts'
import type { K8SliceFlavour } from '../flavours/model.ts'
import { NANOS_PER_UNIT } from '../quantity/units.ts'
import { ceilDiv, floorDiv } from '../quantity/quantity.ts'

/** The index's quantity columns, in selector order; each holds its resource in the ledger's base unit (units.ts). */
export const QUANTITY_COLUMNS: readonly K8SliceQuantityFilterName[] = K8SLICE_QUANTITY_FILTERS

const PER_UNIT: readonly bigint[] = QUANTITY_COLUMNS.map((name) => NANOS_PER_UNIT[name])
const PER_UNIT_NUMBER: readonly number[] = PER_UNIT.map(Number)
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** A K8Slice's quantities as exact nano-units, in {@link QUANTITY_COLUMNS} order; a missing storage or GPU is zero. */
export function k8sliceNanos(flavour: K8SliceFlavour): bigint[] {
  const c = flavour.spec.characteristics
  return [c.cpu.nanos, c.memory.nanos, c.pods.nanos, c.storage?.nanos ?? 0n, c.gpu?.cores.nanos ?? 0n, c.gpu?.memory.nanos ?? 0n]
}

/** `nanos` in column `column`'s base unit when a float64 holds it exactly (a whole, safe integer), else undefined. */
export function toColumnUnits(nanos: bigint, column: number): number | undefined {
  if (nanos <= MAX_SAFE && nanos >= -MAX_SAFE) {
    const exact = Number(nanos)
    const perNumber = PER_UNIT_NUMBER[column]!
    return exact % perNumber === 0 ? exact / perNumber : undefined
  }
  const per = PER_UNIT[column]!
  if (nanos % per !== 0n) return undefined
  const units = nanos / per
  return units > MAX_SAFE || units < -MAX_SAFE ? undefined : Number(units)
}

/**
 * The smallest column value (base units) that is ≥ `nanos`. Exact for the whole, safe values a column
 * holds: beyond 2^53 the float rounds, but stays beyond every value a column holds.
 */
export const lowerBound = (nanos: bigint, column: number): number => Number(ceilDiv(nanos, PER_UNIT[column]!))

/** The largest column value (base units) that is ≤ `nanos`; see {@link lowerBound}. */
export const upperBound = (nanos: bigint, column: number): number => Number(floorDiv(nanos, PER_UNIT[column]!))

const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/** The sort key of a price amount: the decimal as a number; an unparseable, missing or infinite amount sorts last (+Infinity). */
export function priceKey(amount: unknown): number {
  if (typeof amount !== 'string' || !DECIMAL.test(amount)) return Infinity
  const value = Number(amount)
  return Number.isFinite(value) ? value + 0 : Infinity
}
