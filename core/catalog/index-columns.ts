import { QUANTITY_COLUMNS } from './flavour-columns.ts'
import { KeyTable } from './key-table.ts'
import { StringInterner } from './string-interner.ts'

/** What a slot holds: nothing (free), a K8Slice whose quantities all fit their columns, a service, or a K8Slice checked exactly. */
export const ROW_FREE = 0
export const ROW_K8SLICE = 1
export const ROW_SERVICE = 2
export const ROW_K8SLICE_EXACT = 3

/**
 * The index's storage: one typed array per attribute, indexed by slot, plus an append-only payload
 * arena. Slots in [0, end) are live unless `type` is ROW_FREE; freed slots are reused first.
 * Invariants: quantities are in the ledger's base units (NaN in a ROW_K8SLICE_EXACT row, whose exact
 * nano-units are in `exact`); string columns hold `strings` ids; a payload's
 * place is `payloadStart` (see CHUNK_SPAN) and its bytes never change once written.
 */
export interface IndexColumns {
  capacity: number
  end: number
  live: number
  type: Uint8Array
  price: Float64Array
  quantities: Float64Array[]
  architecture: Uint32Array
  gpuModel: Uint32Array
  category: Uint32Array
  payloadStart: Float64Array
  payloadLength: Uint32Array
  keys: string[]
  ids: string[]
  /** Live rows' keys → slots. */
  keyTable: KeyTable
  strings: StringInterner
  /** A service row's tags as string ids (services without tags have none). */
  tags: Map<number, Uint32Array>
  /** A ROW_K8SLICE_EXACT row's quantities as nano-units, in QUANTITY_COLUMNS order. */
  exact: Map<number, bigint[]>
  free: number[]
  /** The payload arena: append-only chunks, the last one open. */
  chunks: Uint8Array[]
  /** Bytes written in the open chunk. */
  chunkUsed: number
  /** Bytes written in every chunk, garbage included. */
  arenaBytes: number
  /** Bytes of the arena no live row points at (replaced or removed payloads). */
  garbage: number
  /** The typed columns and key table are views of a snapshot's bytes: copy them before the first write. */
  borrowed: boolean
}

export function emptyColumns(capacity = 1024): IndexColumns {
  return {
    capacity,
    end: 0,
    live: 0,
    type: new Uint8Array(capacity),
    price: new Float64Array(capacity),
    quantities: QUANTITY_COLUMNS.map(() => new Float64Array(capacity)),
    architecture: new Uint32Array(capacity),
    gpuModel: new Uint32Array(capacity),
    category: new Uint32Array(capacity),
    payloadStart: new Float64Array(capacity),
    payloadLength: new Uint32Array(capacity),
    keys: [],
    ids: [],
    keyTable: KeyTable.empty(),
    strings: new StringInterner(),
    tags: new Map(),
    exact: new Map(),
    free: [],
    chunks: [],
    chunkUsed: 0,
    arenaBytes: 0,
    garbage: 0,
    borrowed: false,
  }
}

function grown<T extends Uint8Array | Uint32Array | Float64Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity)
  next.set(array)
  return next
}

/** Doubles every column until slot `slot` fits. */
export function ensureSlot(columns: IndexColumns, slot: number): void {
  if (slot < columns.capacity) return
  let capacity = Math.max(columns.capacity, 16)
  while (capacity <= slot) capacity *= 2
  resize(columns, capacity)
}

/** Copies borrowed columns (with a quarter of headroom) so writes never reach the snapshot's bytes. */
export function ensureOwned(columns: IndexColumns): void {
  if (!columns.borrowed) return
  resize(columns, Math.max(16, columns.capacity + (columns.capacity >> 2)))
  columns.keyTable = columns.keyTable.copy()
  columns.borrowed = false
}

function resize(columns: IndexColumns, capacity: number): void {
  columns.type = grown(columns.type, capacity)
  columns.price = grown(columns.price, capacity)
  columns.quantities = columns.quantities.map((column) => grown(column, capacity))
  columns.architecture = grown(columns.architecture, capacity)
  columns.gpuModel = grown(columns.gpuModel, capacity)
  columns.category = grown(columns.category, capacity)
  columns.payloadStart = grown(columns.payloadStart, capacity)
  columns.payloadLength = grown(columns.payloadLength, capacity)
  columns.capacity = capacity
}

/** A payload's place: chunk × CHUNK_SPAN + offset in the chunk (exact in a float64 up to 8,192 chunks). */
export const CHUNK_SPAN = 2 ** 40
const MIN_CHUNK = 64 * 1024
const MAX_CHUNK = 256 * 1024 * 1024

/**
 * Copies `payload` to the end of the open chunk (a new chunk when it does not fit) and returns its
 * place. Written bytes never move or change, so views handed out earlier stay valid; when more than
 * half the arena is garbage, live payloads are first copied into fresh chunks.
 */
export function appendPayload(columns: IndexColumns, payload: Uint8Array): number {
  let open = columns.chunks[columns.chunks.length - 1]
  if (!open || columns.chunkUsed + payload.length > open.length) {
    if (columns.garbage > MIN_CHUNK && columns.garbage > columns.arenaBytes / 2) compactArena(columns)
    open = columns.chunks[columns.chunks.length - 1]
    if (!open || columns.chunkUsed + payload.length > open.length) open = openChunk(columns, payload.length)
  }
  const start = (columns.chunks.length - 1) * CHUNK_SPAN + columns.chunkUsed
  open.set(payload, columns.chunkUsed)
  columns.chunkUsed += payload.length
  columns.arenaBytes += payload.length
  return start
}

function openChunk(columns: IndexColumns, atLeast: number): Uint8Array {
  const previous = columns.chunks[columns.chunks.length - 1]?.length ?? 0
  const chunk = new Uint8Array(Math.max(atLeast, Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, previous * 2))))
  columns.chunks.push(chunk)
  columns.chunkUsed = 0
  return chunk
}

/** Copies the live payloads into fresh chunks, dropping the garbage (old views keep the old buffers). */
function compactArena(columns: IndexColumns): void {
  const old = { chunks: columns.chunks }
  columns.chunks = []
  columns.chunkUsed = 0
  columns.arenaBytes = 0
  columns.garbage = 0
  for (let slot = 0; slot < columns.end; slot++) {
    if (columns.type[slot] === ROW_FREE) continue
    columns.payloadStart[slot] = appendPayload(columns, view(old.chunks, columns.payloadStart[slot]!, columns.payloadLength[slot]!))
  }
}

const NOTHING = new Uint8Array(0)

function view(chunks: readonly Uint8Array[], place: number, length: number): Uint8Array {
  if (length === 0) return NOTHING
  const chunk = Math.floor(place / CHUNK_SPAN)
  const offset = place - chunk * CHUNK_SPAN
  return chunks[chunk]!.subarray(offset, offset + length)
}

export const payloadOf = (columns: IndexColumns, slot: number): Uint8Array =>
  view(columns.chunks, columns.payloadStart[slot]!, columns.payloadLength[slot]!)

/** Bytes held by the typed columns and the payload arena (strings and maps in the V8 heap excluded). */
export function columnBytes(columns: IndexColumns): { columns: number; arena: number; garbage: number } {
  const typed = [columns.type, columns.price, ...columns.quantities, columns.architecture, columns.gpuModel, columns.category, columns.payloadStart, columns.payloadLength]
  return {
    columns: typed.reduce((sum, a) => sum + a.byteLength, 0),
    arena: columns.chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0),
    garbage: columns.garbage,
  }
}
