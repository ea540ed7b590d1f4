import { UnsupportedFlavourTypeError, ValidationError } from '../shared/errors.ts'
import type { Flavour, SupportedFlavourType } from '../flavours/model.ts'
import type { QuantityFilter, Selector } from '../flavours/selector.ts'
import { QUANTITY_COLUMNS, k8sliceNanos, lowerBound, priceKey, toColumnUnits, upperBound } from './flavour-columns.ts'
import type { IndexColumns } from './index-columns.ts'
import {
  ROW_FREE,
  ROW_K8SLICE,
  ROW_K8SLICE_EXACT,
  ROW_SERVICE,
  appendPayload,
  columnBytes,
  emptyColumns,
  ensureOwned,
  ensureSlot,
  payloadOf,
} from './index-columns.ts'
import type { IndexCursor } from './index-cursor.ts'
import { compareRows, isAfter } from './index-cursor.ts'
import { decodeSnapshot, encodeSnapshot } from './index-snapshot.ts'
import { TopK } from './top-k.ts'

export type { IndexCursor } from './index-cursor.ts'
export { decodeIndexCursor, encodeIndexCursor } from './index-cursor.ts'

export interface IndexRow {
  /** The caller's row key (e.g. a pool id, or a publication key); unique in the index. */
  key: string
  flavourId: string
  /** Opaque bytes the caller stored with the row (UTF-8 JSON it renders answers from). A view: do not write to it. */
  payload: Uint8Array
  /** The sort key: the flavour's price amount as a number (parsed decimal; unparseable or missing = +Infinity). */
  price: number
}

export interface IndexPage {
  rows: IndexRow[]
  /** Where the next page starts; set iff more rows match after this page. */
  next?: IndexCursor
  /** Every row matching the selector (before and after the cursor), counted during the same scan. */
  total: number
}

/** What `query` accepts: a full selector, a bare type (every row of it), or undefined (every row). */
export type IndexSelector = Selector | { type: SupportedFlavourType } | undefined

/** A selector compiled against the columns: ranges in base units, strings as interned ids. */
interface Plan {
  /** ROW_K8SLICE, ROW_SERVICE, or ROW_FREE for every type. */
  type: number
  /** Nothing can match (a string no row ever held, an empty range). */
  empty: boolean
  /** Per quantity column (QUANTITY_COLUMNS order): filtered or not, and its inclusive bounds in base units. */
  bounds: { used: boolean[]; lows: number[]; highs: number[] }
  /** Interned architecture and GPU model wanted, -1 when not filtered. */
  architecture: number
  gpuModel: number
  stringColumns: Uint32Array[]
  stringIds: number[]
  tag: number | undefined
  /** The quantity filters, for rows whose quantities only `exact` holds. */
  exactFilters: [number, QuantityFilter][]
}

function inRange(nanos: bigint, filter: QuantityFilter): boolean {
  if (filter.kind === 'match') return nanos === filter.value.nanos
  return (!filter.min || nanos >= filter.min.nanos) && (!filter.max || nanos <= filter.max.nanos)
}

/**
 * A columnar, in-memory index of listable flavours: typed-array columns per resource for a fast
 * selector scan, plus each row's opaque payload. Mutable; rows are keyed by the caller's key.
 * Answers exactly what `matchesSelector` would, in (price, flavour id, key) order, a page at a time.
 */
export class FlavourIndex {
  private readonly keyOf = (slot: number): string => this.columns.keys[slot]!
  private selection: Int32Array = new Int32Array(0)

  private constructor(private readonly columns: IndexColumns) {}

  static empty(): FlavourIndex {
    return new FlavourIndex(emptyColumns())
  }

  /** Live rows. */
  get size(): number {
    return this.columns.live
  }

  has(key: string): boolean {
    return this.columns.keyTable.get(key, this.keyOf) >= 0
  }

  /** Inserts or replaces the row `key` (its columns are derived from `flavour`; `payload` is copied). */
  upsert(key: string, flavour: Flavour, payload: Uint8Array): void {
    const spec = flavour.spec
    if (spec.type !== 'k8slice' && spec.type !== 'service') throw new UnsupportedFlavourTypeError(String((spec as { type: unknown }).type))
    const c = this.columns
    ensureOwned(c)
    const price = priceKey(flavour.price?.amount)
    let type: number
    let units: (number | undefined)[] = []
    let nanos: bigint[] | undefined
    let architecture = 0
    let gpuModel = 0
    let category = 0
    let tags: Uint32Array | undefined
    if (spec.type === 'k8slice') {
      nanos = k8sliceNanos(flavour as Flavour & { spec: typeof spec })
      units = nanos.map(toColumnUnits)
      type = units.includes(undefined) ? ROW_K8SLICE_EXACT : ROW_K8SLICE
      architecture = c.strings.intern(spec.characteristics.architecture)
      gpuModel = c.strings.intern(spec.characteristics.gpu?.model ?? '')
    } else {
      type = ROW_SERVICE
      category = c.strings.intern(spec.category)
      if (spec.tags.length > 0) tags = Uint32Array.from(spec.tags, (tag) => c.strings.intern(tag))
    }
    let slot = c.keyTable.get(key, this.keyOf)
    if (slot < 0) {
      slot = c.free.pop() ?? c.end++
      ensureSlot(c, slot)
      c.keys[slot] = key
      c.keyTable.set(key, slot, this.keyOf)
      c.live++
    } else {
      this.release(slot)
    }
    c.ids[slot] = flavour.id
    c.price[slot] = price
    c.type[slot] = type
    c.quantities.forEach((column, q) => (column[slot] = type === ROW_SERVICE ? 0 : (units[q] ?? NaN)))
    c.architecture[slot] = architecture
    c.gpuModel[slot] = gpuModel
    c.category[slot] = category
    if (type === ROW_K8SLICE_EXACT && nanos) c.exact.set(slot, nanos)
    if (tags) c.tags.set(slot, tags)
    c.payloadStart[slot] = appendPayload(c, payload)
    c.payloadLength[slot] = payload.length
  }

  /** Removes the row `key`; a no-op if absent. */
  remove(key: string): void {
    const c = this.columns
    const slot = c.keyTable.get(key, this.keyOf)
    if (slot < 0) return
    ensureOwned(c)
    c.keyTable.delete(key, this.keyOf)
    this.release(slot)
    c.type[slot] = ROW_FREE
    c.keys[slot] = ''
    c.ids[slot] = ''
    c.free.push(slot)
    c.live--
  }

  /**
   * Rows matching `selector` (exactly the flavours `matchesSelector` accepts; with `type` only
   * = every row of that type; undefined = every row), in (price, flavourId, key) order, strictly after
   * `page.after`, at most `page.limit` rows (Infinity allowed, 0 counts only). `next` is set iff more
   * rows match. Top-k with a bounded heap, not a full sort.
   */
  query(selector: IndexSelector, page: { limit: number; after?: IndexCursor }): IndexPage {
    const c = this.columns
    const limit = page.limit
    if (!(limit >= 0) || (Number.isFinite(limit) && !Number.isInteger(limit))) {
      throw new ValidationError(`limit ${String(limit)} is not a whole number ≥ 0`, { code: 'INVALID_LIMIT', details: { parameter: 'limit' } })
    }
    const after = page.after
    const { price, ids, keys } = c
    const top = new TopK(limit, (a, b) => compareRows(price[a]!, ids[a]!, keys[a]!, price[b]!, ids[b]!, keys[b]!))
    const total = this.scan(this.plan(selector))
    const following = after ? offerAfter(this.selection, total, c, after, top) : offerAll(this.selection, total, price, top)
    const rows = top.sorted().map((slot) => this.row(slot))
    const last = rows[rows.length - 1]
    const next = following > rows.length && last ? { price: last.price, id: last.flavourId, key: last.key } : undefined
    return next ? { rows, next, total } : { rows, total }
  }

  /** How many rows match `selector` (one scan, no ordering). */
  count(selector: IndexSelector): number {
    return this.scan(this.plan(selector))
  }

  /** Every live row, in no particular order (for compaction / tests). */
  *rows(): Iterable<IndexRow> {
    const c = this.columns
    for (let slot = 0; slot < c.end; slot++) if (c.type[slot] !== ROW_FREE) yield this.row(slot)
  }

  /** Bytes held outside the V8 heap's objects: the typed columns, and the payload arena with its garbage. */
  memory(): { columns: number; arena: number; garbage: number } {
    return columnBytes(this.columns)
  }

  /**
   * A binary snapshot: a small JSON header (meta + column layout) + raw column buffers + payload
   * bytes, live rows only (replaced and removed payloads are dropped). `meta` must be JSON.
   */
  toSnapshot(meta: Record<string, unknown>): Uint8Array {
    return encodeSnapshot(this.columns, meta)
  }

  /**
   * The index a snapshot holds, without re-parsing flavours: columns and payloads are views of
   * `bytes` (which must not be modified afterwards); the columns are copied on the first write. A foreign, truncated or
   * corrupt snapshot throws a ValidationError coded INVALID_INDEX_SNAPSHOT.
   */
  static fromSnapshot(bytes: Uint8Array): { index: FlavourIndex; meta: Record<string, unknown> } {
    const { columns, meta } = decodeSnapshot(bytes)
    return { index: new FlavourIndex(columns), meta }
  }

  /** Forgets what a slot held besides its columns: its payload bytes, tags and exact quantities. */
  private release(slot: number): void {
    const c = this.columns
    c.garbage += c.payloadLength[slot]!
    c.payloadLength[slot] = 0
    c.tags.delete(slot)
    c.exact.delete(slot)
  }

  private row(slot: number): IndexRow {
    const c = this.columns
    return { key: c.keys[slot]!, flavourId: c.ids[slot]!, payload: payloadOf(c, slot), price: c.price[slot]! }
  }

  private plan(selector: IndexSelector): Plan {
    const c = this.columns
    const plan: Plan = {
      type: ROW_FREE,
      empty: false,
      bounds: { used: QUANTITY_COLUMNS.map(() => false), lows: QUANTITY_COLUMNS.map(() => -Infinity), highs: QUANTITY_COLUMNS.map(() => Infinity) },
      architecture: -1,
      gpuModel: -1,
      stringColumns: [],
      stringIds: [],
      tag: undefined,
      exactFilters: [],
    }
    if (!selector) return plan
    const string = (column: Uint32Array, text: string) => {
      const id = c.strings.lookup(text)
      if (id < 0) plan.empty = true
      plan.stringColumns.push(column)
      plan.stringIds.push(id)
      return id
    }
    if (selector.type === 'k8slice') {
      plan.type = ROW_K8SLICE
      const quantities = 'quantities' in selector ? selector.quantities : {}
      QUANTITY_COLUMNS.forEach((name, column) => {
        const filter = quantities[name]
        if (!filter) return
        plan.exactFilters.push([column, filter])
        let low: number
        let high: number
        if (filter.kind === 'match') {
          const units = toColumnUnits(filter.value.nanos, column)
          low = units ?? Infinity
          high = units ?? -Infinity
        } else {
          low = filter.min ? lowerBound(filter.min.nanos, column) : -Infinity
          high = filter.max ? upperBound(filter.max.nanos, column) : Infinity
        }
        plan.bounds.used[column] = true
        plan.bounds.lows[column] = low
        plan.bounds.highs[column] = high
      })
      const strings = 'strings' in selector ? selector.strings : {}
      if (strings.architecture) plan.architecture = string(c.architecture, strings.architecture.value)
      if (strings.gpuModel) plan.gpuModel = string(c.gpuModel, strings.gpuModel.value)
    } else if (selector.type === 'service') {
      plan.type = ROW_SERVICE
      const strings = 'strings' in selector ? selector.strings : {}
      if (strings.category) string(c.category, strings.category.value)
      if (strings.tags) {
        plan.tag = c.strings.lookup(strings.tags.value)
        if (plan.tag < 0) plan.empty = true
      }
    } else {
      throw new UnsupportedFlavourTypeError(String((selector as { type: unknown }).type))
    }
    return plan
  }

  /**
   * The live slots `plan` matches, as `selection[0, count)`: one pass over the type column (and the
   * first string predicate), then passes over the survivors (two ranges a pass), then the rows only
   * an exact check can decide. The selection is scratch space (room for every slot), valid
   * until the next scan.
   */
  private scan(plan: Plan): number {
    if (plan.empty) return 0
    const c = this.columns
    if (this.selection.length < c.end) this.selection = new Int32Array(c.capacity)
    const selection = this.selection
    const { stringColumns, stringIds, tag, bounds } = plan
    if (plan.type === ROW_FREE) return selectLive(c.type, c.end, selection)
    const used = QUANTITY_COLUMNS.map((_, q) => q).filter((q) => bounds.used[q])
    let count: number
    let u = 0
    if (used.length > 0) {
      // The first pass reads the type (and first string) column and up to two ranges in order.
      const a = used[0]!
      const b = used[1] ?? a
      const ranges = [c.quantities[a]!, bounds.lows[a]!, bounds.highs[a]!, c.quantities[b]!, bounds.lows[b]!, bounds.highs[b]!] as const
      count =
        stringColumns.length > 0
          ? selectTypeIdAndRanges(c.type, plan.type, c.end, stringColumns[0]!, stringIds[0]!, ...ranges, selection)
          : selectTypeAndRanges(c.type, plan.type, c.end, ...ranges, selection)
      u = 2
    } else {
      count =
        stringColumns.length > 0
          ? selectTypeAndId(c.type, plan.type, c.end, stringColumns[0]!, stringIds[0]!, selection)
          : selectType(c.type, plan.type, c.end, selection)
    }
    for (let s = 1; s < stringColumns.length; s++) count = keepId(selection, count, stringColumns[s]!, stringIds[s]!)
    for (; u < used.length; u += 2) {
      const a = used[u]!
      const b = used[u + 1]
      count =
        b === undefined
          ? keepRange(selection, count, c.quantities[a]!, bounds.lows[a]!, bounds.highs[a]!)
          : keepRanges(selection, count, c.quantities[a]!, bounds.lows[a]!, bounds.highs[a]!, c.quantities[b]!, bounds.lows[b]!, bounds.highs[b]!)
    }
    if (tag !== undefined) {
      let kept = 0
      for (let i = 0; i < count; i++) if (c.tags.get(selection[i]!)?.includes(tag)) selection[kept++] = selection[i]!
      count = kept
    }
    if (plan.type !== ROW_K8SLICE || c.exact.size === 0) return count
    exact: for (const [slot, nanos] of c.exact) {
      for (let s = 0; s < stringColumns.length; s++) if (stringColumns[s]![slot] !== stringIds[s]) continue exact
      for (const [column, filter] of plan.exactFilters) if (!inRange(nanos[column]!, filter)) continue exact
      selection[count++] = slot
    }
    return count
  }
}

/** Offers every selected slot to `top`, skipping those priced above its worst once full; returns how many there were. */
function offerAll(selection: Int32Array, count: number, price: Float64Array, top: TopK): number {
  let worst = Infinity
  for (let i = 0; i < count; i++) {
    const slot = selection[i]!
    if (price[slot]! > worst) continue
    top.offer(slot)
    if (top.full) worst = top.isEmpty ? -Infinity : price[top.worst]!
  }
  return count
}

/** Offers the selected slots after `cursor` to `top`; returns how many there were. */
function offerAfter(selection: Int32Array, count: number, c: IndexColumns, cursor: IndexCursor, top: TopK): number {
  const { price, ids, keys } = c
  const from = cursor.price
  let following = 0
  let worst = Infinity
  for (let i = 0; i < count; i++) {
    const slot = selection[i]!
    const p = price[slot]!
    if (p < from || (p === from && !isAfter(p, ids[slot]!, keys[slot]!, cursor))) continue
    following++
    if (p > worst) continue
    top.offer(slot)
    if (top.full) worst = top.isEmpty ? -Infinity : price[top.worst]!
  }
  return following
}

// The scan kernels are branch-free (a match adds 1 to the count, a miss overwrites its slot next time):
// predicates over real data are unpredictable, and a mispredicted branch costs more than the write.

function selectLive(type: Uint8Array, end: number, out: Int32Array): number {
  let n = 0
  for (let slot = 0; slot < end; slot++) {
    out[n] = slot
    n += +(type[slot] !== ROW_FREE)
  }
  return n
}

function selectType(type: Uint8Array, wanted: number, end: number, out: Int32Array): number {
  let n = 0
  for (let slot = 0; slot < end; slot++) {
    out[n] = slot
    n += +(type[slot] === wanted)
  }
  return n
}

function selectTypeAndId(type: Uint8Array, wanted: number, end: number, column: Uint32Array, id: number, out: Int32Array): number {
  let n = 0
  for (let slot = 0; slot < end; slot++) {
    out[n] = slot
    n += +(type[slot] === wanted) & +(column[slot] === id)
  }
  return n
}

function selectTypeAndRanges(
  type: Uint8Array,
  wanted: number,
  end: number,
  columnA: Float64Array,
  lowA: number,
  highA: number,
  columnB: Float64Array,
  lowB: number,
  highB: number,
  out: Int32Array,
): number {
  let n = 0
  for (let slot = 0; slot < end; slot++) {
    const a = columnA[slot]!
    const b = columnB[slot]!
    out[n] = slot
    n += +(type[slot] === wanted) & +(a >= lowA) & +(a <= highA) & +(b >= lowB) & +(b <= highB)
  }
  return n
}

function selectTypeIdAndRanges(
  type: Uint8Array,
  wanted: number,
  end: number,
  column: Uint32Array,
  id: number,
  columnA: Float64Array,
  lowA: number,
  highA: number,
  columnB: Float64Array,
  lowB: number,
  highB: number,
  out: Int32Array,
): number {
  let n = 0
  for (let slot = 0; slot < end; slot++) {
    const a = columnA[slot]!
    const b = columnB[slot]!
    out[n] = slot
    n += +(type[slot] === wanted) & +(column[slot] === id) & +(a >= lowA) & +(a <= highA) & +(b >= lowB) & +(b <= highB)
  }
  return n
}

function keepId(selection: Int32Array, count: number, column: Uint32Array, id: number): number {
  let n = 0
  for (let i = 0; i < count; i++) {
    const slot = selection[i]!
    selection[n] = slot
    n += +(column[slot] === id)
  }
  return n
}

function keepRanges(
  selection: Int32Array,
  count: number,
  columnA: Float64Array,
  lowA: number,
  highA: number,
  columnB: Float64Array,
  lowB: number,
  highB: number,
): number {
  let n = 0
  for (let i = 0; i < count; i++) {
    const slot = selection[i]!
    const a = columnA[slot]!
    const b = columnB[slot]!
    selection[n] = slot
    n += +(a >= lowA) & +(a <= highA) & +(b >= lowB) & +(b <= highB)
  }
  return n
}

function keepRange(selection: Int32Array, count: number, column: Float64Array, low: number, high: number): number {
  let n = 0
  for (let i = 0; i < count; i++) {
    const slot = selection[i]!
    const value = column[slot]!
    selection[n] = slot
    n += +(value >= low) & +(value <= high)
  }
  return n
}
