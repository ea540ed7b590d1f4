import type { Flavour } from '../flavours/model.ts'
import type { Clock, Logger } from '../shared/ports.ts'
import { isRearError } from '../shared/errors.ts'
import { FlavourIndex } from './flavour-index.ts'

/** One change-log entry: row `key` changed. `id` sorts by the writer's time (`<ms, 14 digits>#<unique>`). */
export interface IndexChange {
  id: string
  key: string
}

/**
 * The change log every write that alters what a listing shows appends to, in the same DynamoDB
 * transaction as the write, so a warm index learns what changed without reading the table.
 */
export interface IndexChangeLog {
  /** Entries written at or after `fromMs` (writers' clocks, epoch ms), oldest first. */
  since(fromMs: number): Promise<IndexChange[]>
}

/** A row as listings show it: the listed flavour and the bytes answers are rendered from. */
export interface ListedRow {
  flavour: Flavour
  payload: Uint8Array
}

/** The listed form of rows, read from the source of truth (DynamoDB), never from the index. */
export interface IndexRowSource {
  /** Each key's listed row now, or undefined when it is no longer listed. */
  load(keys: readonly string[]): Promise<Map<string, ListedRow | undefined>>
  /** Every listed row: only a cold start without a usable snapshot, or the compactor's first run, reads this. */
  loadAll(): Promise<Map<string, ListedRow>>
}

/** Where the compactor leaves the index for cold starts (S3 in the cloud and on the local emulator). */
export interface IndexSnapshots {
  read(): Promise<Uint8Array | undefined>
  write(bytes: Uint8Array): Promise<void>
}

export interface IndexSettings {
  /**
   * How far back (ms) each refresh re-reads the log: a write committed this long after its entry's
   * timestamp (commit delay plus clock skew between writers) is still seen.
   */
  lagMs: number
  /** How long (ms) log entries are kept: a snapshot older than this cannot be caught up and is ignored. */
  retentionMs: number
}

export interface IndexDeps {
  log: IndexChangeLog
  rows: IndexRowSource
  snapshots?: IndexSnapshots
  clock: Clock
  logger: Logger
  settings: IndexSettings
  /** When given, live rows are counted per group (e.g. per publisher, from the row key) in `IndexState.groups`. */
  groupOf?: (key: string) => string
}

/** A warm index and where in the change log it stands. */
export interface IndexState {
  index: FlavourIndex
  /** Log entries from this instant (epoch ms) on may not all be applied yet; earlier ones are. */
  readFromMs: number
  /** Ids of the applied entries at or after `readFromMs`, so a re-read never applies one twice. */
  applied: Set<string>
  /** Live rows per group, when the deps name a `groupOf`; groups without rows are absent. */
  groups: Map<string, number>
  /** Bumped whenever a refresh changes a row: answers rendered at an earlier version are stale. */
  version: number
}

function countGroups(index: FlavourIndex, groupOf: IndexDeps['groupOf']): Map<string, number> {
  const groups = new Map<string, number>()
  if (!groupOf) return groups
  for (const row of index.rows()) {
    const group = groupOf(row.key)
    groups.set(group, (groups.get(group) ?? 0) + 1)
  }
  return groups
}

function moveGroup(state: IndexState, deps: IndexDeps, key: string, by: 1 | -1): void {
  if (!deps.groupOf) return
  const group = deps.groupOf(key)
  const count = (state.groups.get(group) ?? 0) + by
  if (count > 0) state.groups.set(group, count)
  else state.groups.delete(group)
}

interface SnapshotMeta {
  readFromMs: number
  applied: string[]
}

function fromSnapshot(bytes: Uint8Array, deps: IndexDeps): IndexState | undefined {
  const { index, meta } = FlavourIndex.fromSnapshot(bytes)
  const { readFromMs, applied } = meta as Partial<SnapshotMeta>
  if (typeof readFromMs !== 'number' || !Array.isArray(applied)) return undefined
  if (deps.clock.now().getTime() - readFromMs > deps.settings.retentionMs) return undefined
  return { index, readFromMs, applied: new Set(applied), groups: countGroups(index, deps.groupOf), version: 0 }
}

/** The compactor's snapshot, or undefined when there is none or it cannot be read (the table is read instead). */
async function readSnapshot(deps: IndexDeps): Promise<Uint8Array | undefined> {
  try {
    return await deps.snapshots?.read()
  } catch (error) {
    deps.logger.warn('INDEX_SNAPSHOT_UNREADABLE', { error: error instanceof Error ? error.message : String(error) })
    return undefined
  }
}

function usableSnapshot(bytes: Uint8Array, deps: IndexDeps): IndexState | undefined {
  try {
    return fromSnapshot(bytes, deps)
  } catch (error) {
    if (!isRearError(error)) throw error
    deps.logger.warn('INDEX_SNAPSHOT_INVALID', { code: error.code, error: error.message })
    return undefined
  }
}

/**
 * Builds a cold instance's index: from the compactor's snapshot when one is recent enough to be
 * caught up from the log, else from a full read of the listed rows; then catches up with the log.
 */
export async function loadIndex(deps: IndexDeps): Promise<IndexState> {
  const started = deps.clock.now().getTime()
  const bytes = await readSnapshot(deps)
  let state = bytes ? usableSnapshot(bytes, deps) : undefined
  if (!state) {
    const index = FlavourIndex.empty()
    for (const [key, row] of await deps.rows.loadAll()) index.upsert(key, row.flavour, row.payload)
    state = { index, readFromMs: started - deps.settings.lagMs, applied: new Set(), groups: countGroups(index, deps.groupOf), version: 0 }
    deps.logger.info('INDEX_LOADED_FROM_TABLE', { rows: index.size, snapshot: bytes ? 'unusable' : 'none', ms: deps.clock.now().getTime() - started })
  } else {
    deps.logger.info('INDEX_LOADED_FROM_SNAPSHOT', { rows: state.index.size, bytes: bytes!.byteLength, ms: deps.clock.now().getTime() - started })
  }
  await refreshIndex(state, deps)
  return state
}

const entryMs = (id: string) => Number(id.slice(0, id.indexOf('#')))

/**
 * Applies what the log says changed since the state's position: each changed row is read again
 * from the source of truth, so the index shows every write committed before this call began.
 * Returns how many rows were re-read.
 */
export async function refreshIndex(state: IndexState, deps: IndexDeps): Promise<number> {
  const started = deps.clock.now().getTime()
  const entries = (await deps.log.since(state.readFromMs)).filter((entry) => !state.applied.has(entry.id))
  const keys = [...new Set(entries.map((entry) => entry.key))]
  if (keys.length > 0) {
    state.version++
    const rows = await deps.rows.load(keys)
    for (const key of keys) {
      const row = rows.get(key)
      const had = state.index.has(key)
      if (row) state.index.upsert(key, row.flavour, row.payload)
      else state.index.remove(key)
      if (had !== Boolean(row)) moveGroup(state, deps, key, row ? 1 : -1)
    }
  }
  const readFromMs = Math.max(state.readFromMs, started - deps.settings.lagMs)
  for (const entry of entries) state.applied.add(entry.id)
  for (const id of state.applied) if (entryMs(id) < readFromMs) state.applied.delete(id)
  state.readFromMs = readFromMs
  return keys.length
}

/** The state as a snapshot a cold instance can load and catch up from. */
export function snapshotOf(state: IndexState): Uint8Array {
  const meta: SnapshotMeta = { readFromMs: state.readFromMs, applied: [...state.applied] }
  return state.index.toSnapshot(meta as unknown as Record<string, unknown>)
}

/** The compactor: the current index, caught up, written as the snapshot cold instances start from. */
export async function compactIndex(deps: IndexDeps & { snapshots: IndexSnapshots }): Promise<{ rows: number; bytes: number }> {
  const state = await loadIndex(deps)
  const bytes = snapshotOf(state)
  await deps.snapshots.write(bytes)
  deps.logger.info('INDEX_SNAPSHOT_WRITTEN', { rows: state.index.size, bytes: bytes.byteLength })
  return { rows: state.index.size, bytes: bytes.byteLength }
}

/**
 * One warm instance's index, kept between requests. `fresh()` resolves once a refresh that began
 * after the call has finished, so a request sees every write committed before it arrived; concurrent
 * requests share refreshes (at most one running and one queued).
 */
export class WarmIndex {
  private state: Promise<IndexState> | undefined
  private running: Promise<IndexState> | undefined
  private queued: Promise<IndexState> | undefined

  constructor(private readonly deps: IndexDeps) {}

  fresh(): Promise<IndexState> {
    if (!this.state) {
      this.state = loadIndex(this.deps)
      this.state.catch(() => (this.state = undefined))
      return this.state
    }
    if (!this.running) return this.start()
    this.queued ??= this.running.then(
      () => this.start(),
      () => this.start(),
    )
    return this.queued
  }

  /** The index as the latest refresh left it (waiting for one under way), without asking the log again. */
  latest(): Promise<IndexState> {
    return this.queued ?? this.running ?? this.state ?? this.fresh()
  }

  private start(): Promise<IndexState> {
    this.queued = undefined
    const state = this.state!
    const run = state.then(async (s) => {
      await refreshIndex(s, this.deps)
      return s
    })
    this.running = run
    void run.finally(() => {
      if (this.running === run) this.running = undefined
    }).catch(() => undefined)
    return run
  }
}
