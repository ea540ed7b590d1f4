import { describe, expect, it } from 'vitest'
import type { IndexChange, IndexDeps, IndexSnapshots, ListedRow } from '../../../core/catalog/indexed-listing.ts'
import { WarmIndex, compactIndex, loadIndex, refreshIndex } from '../../../core/catalog/indexed-listing.ts'
import type { Flavour } from '../../../core/flavours/model.ts'
import { aK8SliceFlavour } from '../../support/factories.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'

const LAG_MS = 5_000
const RETENTION_MS = 86_400_000
const encoder = new TextEncoder()

const ids = (rows: { flavourId: string }[]) => rows.map((row) => row.flavourId)

describe('the warm listing index', () => {
  it('starts from a full read of the listed rows when there is no snapshot', async () => {
    const { deps, source } = setup()
    source.list('pool-1', aK8SliceFlavour({ id: 'f-1' }))
    source.list('pool-2', aK8SliceFlavour({ id: 'f-2' }))

    const state = await loadIndex(deps)

    expect(ids(state.index.query(undefined, { limit: Infinity }).rows).sort()).toEqual(['f-1', 'f-2'])
    expect(source.fullReads).toBe(1)
  })

  it('applies what the log says changed since, reading only the changed rows again', async () => {
    const { deps, source, write } = setup()
    source.list('pool-1', aK8SliceFlavour({ id: 'f-1' }))
    const state = await loadIndex(deps)

    write('pool-2', aK8SliceFlavour({ id: 'f-2' }))
    write('pool-1', undefined)
    const reread = await refreshIndex(state, deps)

    expect(reread).toBe(2)
    expect(ids(state.index.query(undefined, { limit: Infinity }).rows)).toEqual(['f-2'])
    expect(source.loads).toEqual([['pool-2', 'pool-1']])
  })

  it('re-reads the lag window without applying an entry twice, and still sees a late commit inside it', async () => {
    const { deps, source, write, clock, log } = setup()
    const state = await loadIndex(deps)
    write('pool-1', aK8SliceFlavour({ id: 'f-1' }))
    await refreshIndex(state, deps)
    clock.advance(1_000)

    expect(await refreshIndex(state, deps)).toBe(0)

    source.list('pool-2', aK8SliceFlavour({ id: 'f-2' }))
    log.push({ id: entryId(clock.now().getTime() - 3_000, 'late'), key: 'pool-2' })
    expect(await refreshIndex(state, deps)).toBe(1)
    expect(ids(state.index.query(undefined, { limit: Infinity }).rows).sort()).toEqual(['f-1', 'f-2'])
  })

  it('forgets applied entries once they fall behind the lag window', async () => {
    const { deps, write, clock } = setup()
    const state = await loadIndex(deps)
    write('pool-1', aK8SliceFlavour({ id: 'f-1' }))
    await refreshIndex(state, deps)
    expect(state.applied.size).toBe(1)

    clock.advance(LAG_MS + 1)
    await refreshIndex(state, deps)

    expect(state.applied.size).toBe(0)
  })

  it('starts a cold instance from the compactor snapshot, then catches up with the log', async () => {
    const { deps, source, write, snapshots } = setup()
    source.list('pool-1', aK8SliceFlavour({ id: 'f-1' }))
    await compactIndex({ ...deps, snapshots })
    write('pool-2', aK8SliceFlavour({ id: 'f-2' }))

    const state = await loadIndex({ ...deps, snapshots })

    expect(source.fullReads).toBe(1)
    expect(ids(state.index.query(undefined, { limit: Infinity }).rows).sort()).toEqual(['f-1', 'f-2'])
  })

  it('ignores a snapshot older than the log keeps, and reads the table', async () => {
    const { deps, source, snapshots, clock, logger } = setup()
    source.list('pool-1', aK8SliceFlavour({ id: 'f-1' }))
    await compactIndex({ ...deps, snapshots })
    clock.advance(RETENTION_MS + LAG_MS + 1)

    await loadIndex({ ...deps, snapshots })

    expect(source.fullReads).toBe(2)
    expect(logger.events.at(-1)).toMatchObject({ event: 'INDEX_LOADED_FROM_TABLE', fields: { snapshot: 'unusable' } })
  })

  it.each([
    ['a garbled snapshot', { read: async () => new Uint8Array([1, 2, 3]), write: async () => {} }, 'INDEX_SNAPSHOT_INVALID'],
    ['a store that fails', { read: async () => Promise.reject(new Error('S3 unreachable')), write: async () => {} }, 'INDEX_SNAPSHOT_UNREADABLE'],
  ])('reads the table instead of %s, and says so', async (_, snapshots, event) => {
    const { deps, source, logger } = setup()
    source.list('pool-1', aK8SliceFlavour({ id: 'f-1' }))

    const state = await loadIndex({ ...deps, snapshots })

    expect(ids(state.index.query(undefined, { limit: Infinity }).rows)).toEqual(['f-1'])
    expect(logger.events.map((e) => e.event)).toEqual([event, 'INDEX_LOADED_FROM_TABLE'])
  })

  it('lets concurrent requests share refreshes, each seeing writes made before it asked', async () => {
    const { deps, write } = setup()
    const warm = new WarmIndex(deps)
    await warm.fresh()

    write('pool-1', aK8SliceFlavour({ id: 'f-1' }))
    const [a, b, c] = await Promise.all([warm.fresh(), warm.fresh(), warm.fresh()])

    expect(a).toBe(b)
    expect(b).toBe(c)
    expect(ids(c.index.query(undefined, { limit: Infinity }).rows)).toEqual(['f-1'])
  })

  function entryId(ms: number, tag: string) {
    return `${String(ms).padStart(14, '0')}#${tag}`
  }

  function setup() {
    const clock = new FakeClock()
    const logger = new RecordingLogger()
    const listed = new Map<string, ListedRow>()
    const log: IndexChange[] = []
    const source = {
      fullReads: 0,
      loads: [] as string[][],
      list(key: string, flavour: Flavour | undefined) {
        if (flavour) listed.set(key, { flavour, payload: encoder.encode(JSON.stringify({ id: flavour.id })) })
        else listed.delete(key)
      },
      async load(keys: readonly string[]) {
        source.loads.push([...keys])
        return new Map(keys.map((key) => [key, listed.get(key)]))
      },
      async loadAll() {
        source.fullReads++
        return new Map(listed)
      },
    }
    let sequence = 0
    const write = (key: string, flavour: Flavour | undefined) => {
      source.list(key, flavour)
      log.push({ id: entryId(clock.now().getTime(), String(sequence++)), key })
    }
    let stored: Uint8Array | undefined
    const snapshots: IndexSnapshots = {
      read: async () => stored,
      write: async (bytes) => void (stored = bytes),
    }
    const deps: IndexDeps = {
      log: { since: async (fromMs) => log.filter((entry) => Number(entry.id.split('#')[0]) >= fromMs).sort((a, b) => a.id.localeCompare(b.id)) },
      rows: source,
      clock,
      logger,
      settings: { lagMs: LAG_MS, retentionMs: RETENTION_MS },
    }
    return { deps, source, write, log, clock, logger, snapshots }
  }
})
