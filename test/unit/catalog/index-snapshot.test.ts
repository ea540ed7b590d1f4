import { describe, expect, it } from 'vitest'
import { FlavourIndex } from '../../../core/catalog/flavour-index.ts'
import type { IndexSelector } from '../../../core/catalog/flavour-index.ts'
import { ValidationError } from '../../../core/shared/errors.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import type { Flavour } from '../../../core/flavours/model.ts'
import { aK8SliceFlavour, aServiceFlavour } from '../../support/factories.ts'
import { randomFlavourFactory } from './random-flavours.ts'
import { seededRandom } from '../../support/seeded-random.ts'

const encoder = new TextEncoder()
const payloadOf = (flavour: Flavour) => encoder.encode(JSON.stringify({ id: flavour.id, padding: 'x'.repeat(flavour.id.length * 7) }))

const SELECTORS: IndexSelector[] = [
  undefined,
  { type: 'k8slice' },
  { type: 'service' },
  { type: 'k8slice', quantities: { cpu: { kind: 'range', min: Quantity.parse('1') } }, strings: { architecture: { kind: 'match', value: 'amd64' } } },
  { type: 'k8slice', quantities: { memory: { kind: 'range', max: Quantity.parse('1999m') } }, strings: {} },
  { type: 'service', strings: { tags: { kind: 'match', value: 'mysql' } } },
]

function expectSnapshotError(bytes: Uint8Array) {
  let error: unknown
  try {
    FlavourIndex.fromSnapshot(bytes)
  } catch (thrown) {
    error = thrown
  }
  expect(error).toBeInstanceOf(ValidationError)
  expect((error as ValidationError).code).toBe('INVALID_INDEX_SNAPSHOT')
}

describe('FlavourIndex snapshots', () => {
  it('loads an index that answers every query identically, with its meta', () => {
    const { index } = setup()
    const { index: loaded, meta } = FlavourIndex.fromSnapshot(index.toSnapshot({ version: 42, writtenAt: '2026-01-01T00:00:00Z' }))
    expect(meta).toEqual({ version: 42, writtenAt: '2026-01-01T00:00:00Z' })
    expect(loaded.size).toBe(index.size)
    for (const selector of SELECTORS) {
      for (const limit of [1, 5, Infinity]) {
        const page = index.query(selector, { limit })
        expect(loaded.query(selector, { limit })).toEqual(page)
        if (page.next) expect(loaded.query(selector, { limit, after: page.next })).toEqual(index.query(selector, { limit, after: page.next }))
      }
    }
  })

  it('keeps only live rows and their payloads, and stays mutable after loading', () => {
    const { index, removed } = setup()
    const snapshot = index.toSnapshot({})
    const { index: loaded } = FlavourIndex.fromSnapshot(snapshot)
    expect(loaded.memory().garbage).toBe(0)
    expect(removed.some((key) => loaded.has(key))).toBe(false)
    const live = [...index.rows()].map((row) => [row.key, Buffer.from(row.payload).toString()]).sort()
    expect([...loaded.rows()].map((row) => [row.key, Buffer.from(row.payload).toString()]).sort()).toEqual(live)
    const copy = snapshot.slice()
    const fresh = aK8SliceFlavour({ id: 'after-load', cpu: '1000' })
    loaded.upsert('after-load', fresh, payloadOf(fresh))
    loaded.remove(live[0]![0]!)
    expect(loaded.query({ type: 'k8slice', quantities: { cpu: { kind: 'match', value: Quantity.parse('1000') } }, strings: {} }, { limit: 5 }).rows[0]?.key).toBe('after-load')
    expect(loaded.has(live[0]![0]!)).toBe(false)
    expect(snapshot).toEqual(copy)
  })

  it('loads two independent indexes from the same bytes', () => {
    const snapshot = setup().index.toSnapshot({})
    const one = FlavourIndex.fromSnapshot(snapshot).index
    const two = FlavourIndex.fromSnapshot(snapshot).index
    const before = two.query(undefined, { limit: Infinity })
    for (const row of [...one.rows()].slice(0, 50)) one.remove(row.key)
    const changed = aK8SliceFlavour({ id: 'changed' })
    one.upsert([...one.rows()][0]!.key, changed, payloadOf(changed))
    expect(two.query(undefined, { limit: Infinity })).toEqual(before)
    expect(one.size).toBe(two.size - 50)
  })

  it('writes a loaded, unchanged index back to the same bytes', () => {
    const snapshot = setup().index.toSnapshot({ version: 3 })
    expect(FlavourIndex.fromSnapshot(snapshot).index.toSnapshot({ version: 3 })).toEqual(snapshot)
  })

  it('round-trips an empty index', () => {
    const { index, meta } = FlavourIndex.fromSnapshot(FlavourIndex.empty().toSnapshot({ empty: true }))
    expect(meta).toEqual({ empty: true })
    expect(index.size).toBe(0)
    expect(index.query(undefined, { limit: 10 })).toEqual({ rows: [], total: 0 })
  })

  it('loads from a buffer at an unaligned offset', () => {
    const { index } = setup()
    const snapshot = index.toSnapshot({})
    const shifted = new Uint8Array(snapshot.length + 3)
    shifted.set(snapshot, 3)
    expect(FlavourIndex.fromSnapshot(shifted.subarray(3)).index.query(undefined, { limit: Infinity })).toEqual(index.query(undefined, { limit: Infinity }))
  })

  it('refuses every truncation with a coded error', () => {
    const snapshot = setup().index.toSnapshot({ version: 1 })
    for (let length = 0; length < snapshot.length; length += Math.max(1, Math.floor(snapshot.length / 300))) expectSnapshotError(snapshot.subarray(0, length))
    expectSnapshotError(snapshot.subarray(0, snapshot.length - 1))
  })

  it.each<[string, (bytes: Uint8Array) => void]>([
    ['foreign magic bytes', (bytes) => bytes.set(encoder.encode('JSON'), 0)],
    ['a garbled header', (bytes) => bytes.fill(0x7b, 12, 40)],
    ['a header length beyond the end', (bytes) => new DataView(bytes.buffer, bytes.byteOffset).setUint32(4, 0xffffff, true)],
  ])('refuses %s', (_what, garble) => {
    const snapshot = setup().index.toSnapshot({})
    garble(snapshot)
    expectSnapshotError(snapshot)
  })

  it('refuses another format version', () => {
    const snapshot = setup().index.toSnapshot({})
    const text = new TextDecoder().decode(snapshot)
    const at = text.indexOf('"format":1')
    snapshot.set(encoder.encode('"format":2'), at)
    expectSnapshotError(snapshot)
  })

  it('refuses garbled column bytes that would break the index', () => {
    const { index } = setup()
    const snapshot = index.toSnapshot({})
    const header = JSON.parse(new TextDecoder().decode(snapshot.subarray(8, 8 + new DataView(snapshot.buffer).getUint32(4, true)))) as {
      sections: Record<string, [number, number]>
    }
    for (const [section, value] of [
      ['type', 0x09],
      ['architecture', 0xff],
      ['payloadLength', 0xff],
      ['keyLength', 0xff],
    ] as const) {
      const garbled = snapshot.slice()
      garbled.fill(value, header.sections[section]![0], header.sections[section]![0] + 4)
      expectSnapshotError(garbled)
    }
  })

  function setup() {
    const random = seededRandom(7)
    const make = randomFlavourFactory(random)
    const index = FlavourIndex.empty()
    for (let i = 0; i < 300; i++) {
      const flavour = i % 10 === 0 ? aServiceFlavour({ id: `svc-${i}`, tags: ['mysql', `t${i % 3}`] }) : make.flavour(`flavour-${i % 120}`)
      index.upsert(`key-${i}`, flavour, payloadOf(flavour))
    }
    const removed = ['key-3', 'key-10', 'key-150', 'key-299']
    for (const key of removed) index.remove(key)
    for (let i = 0; i < 20; i++) index.upsert(`key-${i * 7}`, make.flavour(`replaced-${i}`), encoder.encode(`replaced ${i}`))
    return { index, removed: removed.filter((key) => !index.has(key)) }
  }
})
