import { UnsupportedFlavourTypeError } from '../shared/errors.ts'
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
  quantityColumns: Float64Array[]
  lows: number[]
  highs: number[]
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
  private keyToSlot: Map<string, number> | undefined

  private constructor(private readonly columns: IndexColumns) {}

  static empty(): FlavourIndex {
    return new FlavourIndex(emptyColumns())
  }

  /** Live rows. */
  get size(): number {
    return this.columns.live
  }

  has(key: string): boolean {
    return this.slots().has(key)
  }

  /** Inserts or replaces the row `key` (its columns are derived from `flavour`; `payload` is copied). */
  upsert(key: string, flavour: Flavour, payload: Uint8Array): void {
    const spec = flavour.spec
    if (spec.type !== 'k8slice' && spec.type !== 'service') throw new UnsupportedFlavourTypeError(String((spec as { type: unknown }).type))
    const c = this.columns
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
    const slots = this.slots()
    let slot = slots.get(key)
    if (slot === undefined) {
      slot = c.free.pop() ?? c.end++
      ensureSlot(c, slot)
      slots.set(key, slot)
      c.live++
    } else {
      this.release(slot)
    }
    c.keys[slot] = key
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
    const slots = this.slots()
    const slot = slots.get(key)
    if (slot === undefined) return
    slots.delete(key)
    this.free(slot)
  }

  private free(slot: number): void {
    const c = this.columns
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
    const limit = Math.max(0, page.limit)
    const after = page.after
    const { price, ids, keys } = c
    const top = new TopK(limit, (a, b) => compareRows(price[a]!, ids[a]!, keys[a]!, price[b]!, ids[b]!, keys[b]!))
    let total = 0
    let following = 0
    this.scan(this.plan(selector), (slot) => {
      total++
      if (after && !isAfter(price[slot]!, ids[slot]!, keys[slot]!, after)) return
      following++
      top.offer(slot)
    })
    const rows = top.sorted().map((slot) => this.row(slot))
    const last = rows[rows.length - 1]
    const next = following > rows.length && last ? { price: last.price, id: last.flavourId, key: last.key } : undefined
    return next ? { rows, next, total } : { rows, total }
  }

  /** How many rows match `selector` (one scan, no ordering). */
  count(selector: IndexSelector): number {
    let total = 0
    this.scan(this.plan(selector), () => total++)
    return total
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
   * The index a snapshot holds, without re-parsing flavours: columns are copied from their buffers,
   * payloads stay views of `bytes` (which must not be modified afterwards). A foreign, truncated or
   * corrupt snapshot throws a ValidationError coded INVALID_INDEX_SNAPSHOT.
   */
  static fromSnapshot(bytes: Uint8Array): { index: FlavourIndex; meta: Record<string, unknown> } {
    const { columns, meta } = decodeSnapshot(bytes)
    return { index: new FlavourIndex(columns), meta }
  }

  private slots(): Map<string, number> {
    if (!this.keyToSlot) {
      const c = this.columns
      const slots = new Map<string, number>()
      for (let slot = 0; slot < c.end; slot++) {
        if (c.type[slot] === ROW_FREE) continue
        const twin = slots.get(c.keys[slot]!)
        if (twin !== undefined) this.free(twin)
        slots.set(c.keys[slot]!, slot)
      }
      this.keyToSlot = slots
    }
    return this.keyToSlot
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
      quantityColumns: [],
      lows: [],
      highs: [],
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
        plan.quantityColumns.push(c.quantities[column]!)
        plan.lows.push(low)
        plan.highs.push(high)
      })
      const strings = 'strings' in selector ? selector.strings : {}
      if (strings.architecture) string(c.architecture, strings.architecture.value)
      if (strings.gpuModel) string(c.gpuModel, strings.gpuModel.value)
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

  /** Calls `visit` with every live slot `plan` matches, in slot order (column-by-column predicates). */
  private scan(plan: Plan, visit: (slot: number) => void): void {
    if (plan.empty) return
    const c = this.columns
    const type = c.type
    const end = c.end
    const wanted = plan.type
    if (wanted === ROW_FREE) {
      for (let slot = 0; slot < end; slot++) if (type[slot] !== ROW_FREE) visit(slot)
      return
    }
    const { quantityColumns, lows, highs, stringColumns, stringIds, tag } = plan
    const quantityCount = quantityColumns.length
    const stringCount = stringColumns.length
    rows: for (let slot = 0; slot < end; slot++) {
      if (type[slot] !== wanted) continue
      for (let s = 0; s < stringCount; s++) if (stringColumns[s]![slot] !== stringIds[s]) continue rows
      for (let q = 0; q < quantityCount; q++) {
        const value = quantityColumns[q]![slot]!
        if (value < lows[q]! || value > highs[q]!) continue rows
      }
      if (tag !== undefined && !c.tags.get(slot)?.includes(tag)) continue
      visit(slot)
    }
    if (wanted !== ROW_K8SLICE) return
    exact: for (const [slot, nanos] of c.exact) {
      for (let s = 0; s < stringCount; s++) if (stringColumns[s]![slot] !== stringIds[s]) continue exact
      for (const [column, filter] of plan.exactFilters) if (!inRange(nanos[column]!, filter)) continue exact
      visit(slot)
    }
  }
}
