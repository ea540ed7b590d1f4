import { ValidationError } from '../shared/errors.ts'
import { QUANTITY_COLUMNS } from './flavour-columns.ts'
import type { IndexColumns } from './index-columns.ts'
import { ROW_FREE, ROW_K8SLICE_EXACT, ROW_SERVICE, emptyColumns, payloadOf } from './index-columns.ts'
import { KeyTable } from './key-table.ts'
import { StringInterner } from './string-interner.ts'

/**
 * Snapshot layout (little-endian): "RFIX", u32 header length, the UTF-8 JSON header, then 8-aligned
 * sections, each named in the header with [offset, byteLength] from the snapshot's start. Rows are
 * the live rows renumbered 0..rows-1; payload places are offsets in the `payload` section.
 */
const MAGIC = [0x52, 0x46, 0x49, 0x58]
const FORMAT = 1

type Kind = 'u8' | 'u32' | 'i32' | 'f64' | 'bytes'
const SECTIONS: readonly (readonly [name: string, kind: Kind])[] = [
  ['type', 'u8'],
  ['price', 'f64'],
  ...QUANTITY_COLUMNS.map((name) => [name, 'f64'] as const),
  ['architecture', 'u32'],
  ['gpuModel', 'u32'],
  ['category', 'u32'],
  ['payloadStart', 'f64'],
  ['payloadLength', 'u32'],
  ['keyLength', 'u32'],
  ['idLength', 'u32'],
  ['keyText', 'bytes'],
  ['idText', 'bytes'],
  ['tags', 'u32'],
  ['keyTable', 'i32'],
  ['payload', 'bytes'],
]
const ELEMENT_BYTES: Record<Kind, number> = { u8: 1, u32: 4, i32: 4, f64: 8, bytes: 1 }
const PER_ROW = new Set(SECTIONS.filter(([name, kind]) => kind !== 'bytes' && name !== 'tags' && name !== 'keyTable').map(([name]) => name))

interface Header {
  format: number
  endian: 'le'
  rows: number
  strings: string[]
  /** ROW_K8SLICE_EXACT rows: [row, ...nano-units as decimal strings]. */
  exact: [number, ...string[]][]
  sections: Record<string, [offset: number, byteLength: number]>
  meta: Record<string, unknown>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const align8 = (n: number) => Math.ceil(n / 8) * 8
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function invalid(reason: string, cause?: unknown): ValidationError {
  return new ValidationError(`not a usable flavour index snapshot: ${reason}`, { code: 'INVALID_INDEX_SNAPSHOT', details: { reason }, cause })
}

function gather<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(column: T, live: Int32Array | undefined, rows: number): T {
  if (!live) return column.subarray(0, rows) as T
  const out = new (column.constructor as new (length: number) => T)(rows)
  for (let row = 0; row < rows; row++) out[row] = column[live[row]!]!
  return out
}

const asBytes = (array: Uint8Array | Uint32Array | Int32Array | Float64Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength)

/** The live rows of `columns` as one snapshot; see FlavourIndex.toSnapshot. */
export function encodeSnapshot(columns: IndexColumns, meta: Record<string, unknown>): Uint8Array {
  if (!littleEndian) throw new Error('flavour index snapshots need a little-endian platform')
  const rows = columns.live
  let live: Int32Array | undefined
  let rowOf: (slot: number) => number = (slot) => slot
  if (rows !== columns.end) {
    live = new Int32Array(rows)
    const rowBySlot = new Int32Array(columns.end).fill(-1)
    let row = 0
    for (let slot = 0; slot < columns.end; slot++) {
      if (columns.type[slot] === ROW_FREE) continue
      rowBySlot[slot] = row
      live[row++] = slot
    }
    rowOf = (slot) => rowBySlot[slot]!
  }
  const slotOf = (row: number) => (live ? live[row]! : row)
  const keys: string[] = new Array(rows)
  const ids: string[] = new Array(rows)
  const keyLength = new Uint32Array(rows)
  const idLength = new Uint32Array(rows)
  const payloadStart = new Float64Array(rows)
  let payloadBytes = 0
  for (let row = 0; row < rows; row++) {
    const slot = slotOf(row)
    keys[row] = columns.keys[slot]!
    ids[row] = columns.ids[slot]!
    keyLength[row] = keys[row]!.length
    idLength[row] = ids[row]!.length
    payloadStart[row] = payloadBytes
    payloadBytes += columns.payloadLength[slot]!
  }
  const tags: number[] = []
  for (const [slot, tagIds] of columns.tags) tags.push(rowOf(slot), tagIds.length, ...tagIds)
  const body: Record<string, Uint8Array | number> = {
    type: asBytes(gather(columns.type, live, rows)),
    price: asBytes(gather(columns.price, live, rows)),
    ...Object.fromEntries(QUANTITY_COLUMNS.map((name, q) => [name, asBytes(gather(columns.quantities[q]!, live, rows))])),
    architecture: asBytes(gather(columns.architecture, live, rows)),
    gpuModel: asBytes(gather(columns.gpuModel, live, rows)),
    category: asBytes(gather(columns.category, live, rows)),
    payloadStart: asBytes(payloadStart),
    payloadLength: asBytes(gather(columns.payloadLength, live, rows)),
    keyLength: asBytes(keyLength),
    idLength: asBytes(idLength),
    keyText: encoder.encode(keys.join('')),
    idText: encoder.encode(ids.join('')),
    tags: asBytes(Uint32Array.from(tags)),
    keyTable: asBytes(live ? KeyTable.of(keys.keys(), rows, (row) => keys[row]!).toBuckets() : columns.keyTable.toBuckets()),
    payload: payloadBytes,
  }
  const exact = [...columns.exact].map(([slot, nanos]): [number, ...string[]] => [rowOf(slot), ...nanos.map(String)])
  const sections: Header['sections'] = {}
  const headerFor = () =>
    encoder.encode(JSON.stringify({ format: FORMAT, endian: 'le', rows, strings: columns.strings.toArray(), exact, sections, meta } satisfies Header))
  // Offsets depend on the header's length, which depends on the offsets' digits: settle in two passes.
  let header = headerFor()
  for (let pass = 0; pass < 3; pass++) {
    let offset = align8(8 + header.length + 64)
    for (const [name] of SECTIONS) {
      const part = body[name]!
      const length = typeof part === 'number' ? part : part.length
      sections[name] = [offset, length]
      offset = align8(offset + length)
    }
    const next = headerFor()
    if (next.length === header.length) break
    header = next
  }
  header = headerFor()
  const [lastOffset, lastLength] = sections.payload!
  if (8 + header.length > sections.type![0]) throw new Error('flavour index snapshot header outgrew its room')
  const out = new Uint8Array(lastOffset + lastLength)
  out.set(MAGIC, 0)
  new DataView(out.buffer).setUint32(4, header.length, true)
  out.set(header, 8)
  for (const [name] of SECTIONS) {
    const part = body[name]!
    if (typeof part !== 'number') out.set(part, sections[name]![0])
  }
  // Payloads written in row order lie back to back in the arena: copy them a run at a time.
  let at = lastOffset
  let run: Uint8Array | undefined
  for (let row = 0; row < rows; row++) {
    const payload = payloadOf(columns, slotOf(row))
    if (run && payload.buffer === run.buffer && payload.byteOffset === run.byteOffset + run.length) {
      run = new Uint8Array(run.buffer, run.byteOffset, run.length + payload.length)
      continue
    }
    if (run) out.set(run, at)
    at += run?.length ?? 0
    run = payload
  }
  if (run) out.set(run, at)
  return out
}

function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < 8 || MAGIC.some((byte, i) => bytes[i] !== byte)) throw invalid('wrong magic bytes')
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true)
  if (8 + length > bytes.length) throw invalid('truncated header')
  let header: Header
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(8, 8 + length))) as Header
  } catch (error) {
    throw invalid('unreadable header', error)
  }
  if (typeof header !== 'object' || header === null) throw invalid('header is not an object')
  if (header.format !== FORMAT) throw invalid(`format ${String(header.format)} (this build reads ${FORMAT})`)
  if (header.endian !== 'le' || !littleEndian) throw invalid('byte order')
  if (!Number.isSafeInteger(header.rows) || header.rows < 0) throw invalid('row count')
  if (!Array.isArray(header.strings) || header.strings.some((s) => typeof s !== 'string')) throw invalid('string table')
  if (!Array.isArray(header.exact)) throw invalid('exact rows')
  if (typeof header.meta !== 'object' || header.meta === null || Array.isArray(header.meta)) throw invalid('meta')
  if (typeof header.sections !== 'object' || header.sections === null) throw invalid('section table')
  for (const [name, kind] of SECTIONS) {
    const place = header.sections[name]
    if (!Array.isArray(place) || !place.every((n) => Number.isSafeInteger(n) && n >= 0)) throw invalid(`section ${name} missing`)
    const [offset, byteLength] = place
    if (offset < 8 + length || offset % 8 !== 0) throw invalid(`section ${name} misplaced`)
    if (offset + byteLength > bytes.length) throw invalid(`truncated at section ${name}`)
    if (byteLength % ELEMENT_BYTES[kind] !== 0) throw invalid(`section ${name} length`)
    if (PER_ROW.has(name) && byteLength !== header.rows * ELEMENT_BYTES[kind]) throw invalid(`section ${name} length`)
  }
  return header
}

/** A column section, typed: a view of the snapshot's bytes, or a copy when they are not aligned for one. */
function column<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(
  bytes: Uint8Array,
  place: [number, number],
  Type: { new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
): T {
  const [offset, byteLength] = place
  const length = byteLength / Type.BYTES_PER_ELEMENT
  const at = bytes.byteOffset + offset
  if (at % Type.BYTES_PER_ELEMENT === 0) return new Type(bytes.buffer, at, length)
  return new Type(bytes.slice(offset, offset + byteLength).buffer, 0, length)
}

function splitText(bytes: Uint8Array, place: [number, number], lengths: Uint32Array, what: string): string[] {
  let text: string
  try {
    text = decoder.decode(bytes.subarray(place[0], place[0] + place[1]))
  } catch (error) {
    throw invalid(`${what} text`, error)
  }
  const out: string[] = new Array(lengths.length)
  let at = 0
  for (let row = 0; row < lengths.length; row++) {
    const end = at + lengths[row]!
    out[row] = text.slice(at, end)
    at = end
  }
  if (at !== text.length) throw invalid(`${what} lengths`)
  return out
}

/** The columns a snapshot holds, checked for consistency; see FlavourIndex.fromSnapshot. */
export function decodeSnapshot(bytes: Uint8Array): { columns: IndexColumns; meta: Record<string, unknown> } {
  if (!(bytes instanceof Uint8Array)) throw invalid('not bytes')
  const header = readHeader(bytes)
  const s = header.sections as Record<string, [number, number]>
  const rows = header.rows
  const stringCount = header.strings.length
  const columns = emptyColumns(0)
  columns.capacity = rows
  columns.end = rows
  columns.live = rows
  columns.type = column(bytes, s.type!, Uint8Array)
  columns.price = column(bytes, s.price!, Float64Array)
  columns.quantities = QUANTITY_COLUMNS.map((name) => column(bytes, s[name]!, Float64Array))
  columns.architecture = column(bytes, s.architecture!, Uint32Array)
  columns.gpuModel = column(bytes, s.gpuModel!, Uint32Array)
  columns.category = column(bytes, s.category!, Uint32Array)
  columns.payloadStart = column(bytes, s.payloadStart!, Float64Array)
  columns.payloadLength = column(bytes, s.payloadLength!, Uint32Array)
  const [payloadOffset, payloadBytes] = s.payload!
  const exactRows = countRowTypes(columns.type)
  if (exactRows < 0) throw invalid('row types')
  if (maxOf(columns.architecture) >= stringCount || maxOf(columns.gpuModel) >= stringCount || maxOf(columns.category) >= stringCount) {
    throw invalid('string ids')
  }
  const livePayload = checkPayloadPlaces(columns.payloadStart, columns.payloadLength, payloadBytes)
  if (livePayload < 0) throw invalid('payload places')
  if (exactRows !== header.exact.length) throw invalid('exact rows')
  for (const entry of header.exact) {
    const [row, ...nanos] = Array.isArray(entry) ? entry : []
    if (typeof row !== 'number' || columns.type[row] !== ROW_K8SLICE_EXACT || nanos.length !== QUANTITY_COLUMNS.length) throw invalid('exact rows')
    try {
      columns.exact.set(row, nanos.map((n) => BigInt(n as string)))
    } catch (error) {
      throw invalid('exact rows', error)
    }
  }
  if (columns.exact.size !== exactRows) throw invalid('exact rows')
  const tags = column(bytes, s.tags!, Uint32Array)
  for (let at = 0; at < tags.length; ) {
    const row = tags[at]!
    const count = tags[at + 1]
    if (count === undefined || columns.type[row] !== ROW_SERVICE || at + 2 + count > tags.length) throw invalid('tags')
    const ids = tags.slice(at + 2, at + 2 + count)
    if (ids.some((id) => id >= stringCount)) throw invalid('tags')
    columns.tags.set(row, ids)
    at += 2 + count
  }
  columns.keys = splitText(bytes, s.keyText!, column(bytes, s.keyLength!, Uint32Array), 'key')
  columns.ids = splitText(bytes, s.idText!, column(bytes, s.idLength!, Uint32Array), 'id')
  const buckets = column(bytes, s.keyTable!, Int32Array)
  if (buckets.length <= rows || (buckets.length & (buckets.length - 1)) !== 0) throw invalid('key table size')
  const keyed = new Uint8Array(rows)
  let entries = 0
  for (const entry of buckets) {
    if (entry === 0) continue
    if (entry < 0 || entry > rows || keyed[entry - 1] === 1) throw invalid('key table entries')
    keyed[entry - 1] = 1
    entries++
  }
  if (entries !== rows) throw invalid('key table entries')
  columns.keyTable = KeyTable.fromBuckets(buckets, rows)
  columns.strings = new StringInterner(header.strings)
  columns.chunks = [bytes.subarray(payloadOffset, payloadOffset + payloadBytes)]
  columns.chunkUsed = payloadBytes
  columns.arenaBytes = payloadBytes
  columns.garbage = payloadBytes - livePayload
  columns.borrowed = true
  return { columns, meta: header.meta }
}

/** How many rows are ROW_K8SLICE_EXACT, or -1 when a row's type is not a live one. */
function countRowTypes(type: Uint8Array): number {
  let exact = 0
  let bad = 0
  for (let row = 0; row < type.length; row++) {
    const t = type[row]!
    exact += +(t === ROW_K8SLICE_EXACT)
    bad |= +(t === ROW_FREE) | +(t > ROW_K8SLICE_EXACT)
  }
  return bad ? -1 : exact
}

function maxOf(column: Uint32Array): number {
  let max = -1
  for (let row = 0; row < column.length; row++) max = Math.max(max, column[row]!)
  return max
}

/** The bytes live rows' payloads take, or -1 when one lies outside the payload section. */
function checkPayloadPlaces(start: Float64Array, length: Uint32Array, payloadBytes: number): number {
  let live = 0
  let bad = 0
  for (let row = 0; row < start.length; row++) {
    const s = start[row]!
    const l = length[row]!
    bad |= +!(s >= 0) | +(s + l > payloadBytes) | +(s !== Math.floor(s))
    live += l
  }
  return bad ? -1 : live
}
