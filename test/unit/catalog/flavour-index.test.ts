import { describe, expect, it } from 'vitest'
import { FlavourIndex } from '../../../core/catalog/flavour-index.ts'
import type { IndexCursor, IndexRow, IndexSelector } from '../../../core/catalog/flavour-index.ts'
import { priceKey } from '../../../core/catalog/flavour-columns.ts'
import type { Flavour } from '../../../core/flavours/model.ts'
import { emptySelector, matchesSelector } from '../../../core/flavours/selector.ts'
import type { Selector } from '../../../core/flavours/selector.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { aK8SliceFlavour, aServiceFlavour } from '../../support/factories.ts'
import { randomFlavourFactory } from './random-flavours.ts'
import { seededRandom } from '../../support/seeded-random.ts'

const q = (text: string) => Quantity.parse(text)
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const bytes = (flavour: Flavour) => encoder.encode(JSON.stringify({ id: flavour.id }))
const keysOf = (rows: IndexRow[]) => rows.map((row) => row.key)
const accepts = (selector: IndexSelector, flavour: Flavour) =>
  !selector || ('quantities' in selector || 'strings' in selector ? matchesSelector(flavour, selector as Selector) : flavour.spec.type === selector.type)

/** Every page of `selector`, walked with `next`, `limit` rows at a time. */
function walk(index: FlavourIndex, selector: IndexSelector, limit: number): { rows: IndexRow[]; totals: number[] } {
  const rows: IndexRow[] = []
  const totals: number[] = []
  let after: IndexCursor | undefined
  for (let pages = 0; pages < 10_000; pages++) {
    const page = index.query(selector, { limit, ...(after ? { after } : {}) })
    rows.push(...page.rows)
    totals.push(page.total)
    if (!page.next) return { rows, totals }
    expect(page.rows).toHaveLength(limit)
    after = page.next
  }
  throw new Error('pagination did not end')
}

describe(FlavourIndex.name, () => {
  it('inserts, replaces in place and removes rows by key', () => {
    const { index } = setup()
    expect(index.size).toBe(4)
    index.upsert('small', aK8SliceFlavour({ id: 'small', cpu: '64' }), encoder.encode('v2'))
    expect(index.size).toBe(4)
    expect(keysOf(index.query(cpuAtLeast('32'), { limit: 10 }).rows)).toEqual(['small'])
    expect(decoder.decode([...index.rows()].find((row) => row.key === 'small')!.payload)).toBe('v2')
    index.remove('small')
    index.remove('small')
    index.remove('never-there')
    expect(index.size).toBe(3)
    expect(index.has('small')).toBe(false)
    expect(index.query(cpuAtLeast('32'), { limit: 10 })).toEqual({ rows: [], total: 0 })
    index.upsert('again', aK8SliceFlavour({ id: 'again', cpu: '1' }), encoder.encode('v3'))
    expect(index.size).toBe(4)
    expect(new Set([...index.rows()].map((row) => row.key))).toEqual(new Set(['large', 'arm', 'db', 'again']))
  })

  it('turns a row from one type into the other when its key is upserted with another flavour', () => {
    const { index } = setup()
    index.upsert('db', aK8SliceFlavour({ id: 'db-now-a-slice', cpu: '3' }), encoder.encode('x'))
    expect(index.query({ type: 'service' }, { limit: 10 }).total).toBe(0)
    expect(keysOf(index.query(cpuAtLeast('3'), { limit: 10 }).rows)).toContain('db')
  })

  it('answers cheapest first, then by flavour id, then by key; unparseable prices last', () => {
    const index = FlavourIndex.empty()
    const priced = (id: string, amount: string) => aK8SliceFlavour({ id, price: { amount, currency: 'EUR', period: 'hourly' } })
    index.upsert('k4', priced('b', '0.5'), bytes(priced('b', '0.5')))
    index.upsert('k1', priced('z', 'n/a'), bytes(priced('z', 'n/a')))
    index.upsert('k3', priced('a', '0.50'), bytes(priced('a', '0.50')))
    index.upsert('k2', priced('c', '0.1'), bytes(priced('c', '0.1')))
    index.upsert('k0', priced('a', '0.5'), bytes(priced('a', '0.5')))
    index.upsert('k5', priced('y', ''), bytes(priced('y', '')))
    const page = index.query(undefined, { limit: Infinity })
    expect(page.rows.map((row) => [row.price, row.flavourId, row.key])).toEqual([
      [0.1, 'c', 'k2'],
      [0.5, 'a', 'k0'],
      [0.5, 'a', 'k3'],
      [0.5, 'b', 'k4'],
      [Infinity, 'y', 'k5'],
      [Infinity, 'z', 'k1'],
    ])
    expect(page.next).toBeUndefined()
    expect(page.total).toBe(6)
  })

  it.each([
    ['0.04', 0.04],
    [' 1.20 ', 1.2],
    ['1e3', 1000],
    ['-0', 0],
    ['', Infinity],
    ['free', Infinity],
    ['0x10', Infinity],
    ['Infinity', Infinity],
    ['1e999', Infinity],
  ])('sorts a price of %j as %s', (amount, key) => {
    expect(priceKey(amount)).toBe(key)
  })

  it('walks every page with the cursor to exactly the full sorted answer, the total on each page', () => {
    const { index } = setup()
    const full = index.query(undefined, { limit: Infinity })
    for (const limit of [1, 2, 3, 4, 5]) {
      const { rows, totals } = walk(index, undefined, limit)
      expect(keysOf(rows)).toEqual(keysOf(full.rows))
      expect(new Set(totals)).toEqual(new Set([4]))
    }
  })

  it('sets next only when more rows match after the page', () => {
    const { index } = setup()
    expect(index.query({ type: 'k8slice' }, { limit: 3 }).next).toBeUndefined()
    const first = index.query({ type: 'k8slice' }, { limit: 2 })
    expect(first.next).toEqual({ price: first.rows[1]!.price, id: first.rows[1]!.flavourId, key: first.rows[1]!.key })
    expect(index.query({ type: 'k8slice' }, { limit: 2, after: first.next! }).next).toBeUndefined()
    expect(index.query({ type: 'k8slice' }, { limit: 0 })).toEqual({ rows: [], total: 3 })
  })

  it.each([-1, NaN, 2.5])('refuses a limit of %s as a coded 400', (limit) => {
    const { index } = setup()
    expect(() => index.query(undefined, { limit })).toThrow(expect.objectContaining({ code: 'INVALID_LIMIT', kind: 'validation' }))
  })

  it('places a cursor without a key after every row of its price and flavour id', () => {
    const index = FlavourIndex.empty()
    for (const key of ['a', 'b', 'c']) index.upsert(key, aK8SliceFlavour({ id: 'same' }), encoder.encode(key))
    index.upsert('d', aK8SliceFlavour({ id: 'later' }), encoder.encode('d'))
    const price = priceKey(aK8SliceFlavour().price.amount)
    expect(keysOf(index.query(undefined, { limit: 10, after: { price, id: 'same', key: 'a' } }).rows)).toEqual(['b', 'c'])
    expect(keysOf(index.query(undefined, { limit: 10, after: { price, id: 'later' } }).rows)).toEqual(['a', 'b', 'c'])
    expect(keysOf(index.query(undefined, { limit: 10, after: { price, id: 'same' } }).rows)).toEqual([])
  })

  it('answers every row of a type for a type-only or empty selector, and every row for none', () => {
    const { index } = setup()
    expect(index.query({ type: 'k8slice' }, { limit: 10 }).total).toBe(3)
    expect(index.query(emptySelector('k8slice'), { limit: 10 }).total).toBe(3)
    expect(keysOf(index.query({ type: 'service' }, { limit: 10 }).rows)).toEqual(['db'])
    expect(index.query(undefined, { limit: 10 }).total).toBe(4)
    expect(index.count(undefined)).toBe(4)
  })

  it.each<[string, Selector, string[]]>([
    ['a range', { type: 'k8slice', quantities: { cpu: { kind: 'range', min: q('4') } }, strings: {} }, ['large']],
    ['a match in another unit', { type: 'k8slice', quantities: { cpu: { kind: 'match', value: q('2000m') } }, strings: {} }, ['small', 'arm']],
    ['an architecture', { type: 'k8slice', quantities: {}, strings: { architecture: { kind: 'match', value: 'arm64' } } }, ['arm']],
    ['an unknown architecture', { type: 'k8slice', quantities: {}, strings: { architecture: { kind: 'match', value: 'riscv' } } }, []],
    ['missing storage as zero', { type: 'k8slice', quantities: { storage: { kind: 'range', max: q('0') } }, strings: {} }, ['small', 'arm']],
    ['an inverted range', { type: 'k8slice', quantities: { cpu: { kind: 'range', min: q('4'), max: q('2') } }, strings: {} }, []],
    ['a service category', { type: 'service', strings: { category: { kind: 'match', value: 'database' } } }, ['db']],
    ['a service tag', { type: 'service', strings: { tags: { kind: 'match', value: 'mysql' } } }, ['db']],
    ['a tag no row has', { type: 'service', strings: { tags: { kind: 'match', value: 'postgres' } } }, []],
    ['a category and a tag of two rows', { type: 'service', strings: { category: { kind: 'match', value: 'queue' }, tags: { kind: 'match', value: 'mysql' } } }, []],
  ])('filters by %s', (_what, selector, expected) => {
    const { index } = setup()
    expect(keysOf(index.query(selector, { limit: 10 }).rows).sort()).toEqual([...expected].sort())
  })

  it('matches services by any one of their tags and by category', () => {
    const index = FlavourIndex.empty()
    const flavours = [
      aServiceFlavour({ id: 's1', category: 'queue', tags: ['kafka', 'stream'] }),
      aServiceFlavour({ id: 's2', category: 'queue', tags: [] }),
      aServiceFlavour({ id: 's3', category: 'database', tags: ['stream'] }),
    ]
    for (const flavour of flavours) index.upsert(flavour.id, flavour, bytes(flavour))
    const tag = (value: string): Selector => ({ type: 'service', strings: { tags: { kind: 'match', value } } })
    expect(keysOf(index.query(tag('stream'), { limit: 10 }).rows).sort()).toEqual(['s1', 's3'])
    expect(keysOf(index.query({ type: 'service', strings: { category: { kind: 'match', value: 'queue' } } }, { limit: 10 }).rows).sort()).toEqual(['s1', 's2'])
    index.upsert('s1', aServiceFlavour({ id: 's1', category: 'queue', tags: ['kafka'] }), encoder.encode('v2'))
    expect(keysOf(index.query(tag('stream'), { limit: 10 }).rows)).toEqual(['s3'])
  })

  it('checks quantities a float64 column cannot hold exactly against their exact value', () => {
    const index = FlavourIndex.empty()
    const flavours = [
      aK8SliceFlavour({ id: 'fraction', memory: '1500m' }),
      aK8SliceFlavour({ id: 'one-byte', memory: '1' }),
      aK8SliceFlavour({ id: 'two-bytes', memory: '2' }),
      aK8SliceFlavour({ id: 'huge', memory: '9.1e15', cpu: '9e18' }),
    ]
    for (const flavour of flavours) index.upsert(flavour.id, flavour, bytes(flavour))
    const memory = (filter: Extract<Selector, { type: 'k8slice' }>['quantities']['memory']): Selector => ({ type: 'k8slice', quantities: { memory: filter }, strings: {} })
    const keys = (selector: Selector) => keysOf(index.query(selector, { limit: 10 }).rows).sort()
    expect(keys(memory({ kind: 'match', value: q('1500m') }))).toEqual(['fraction'])
    expect(keys(memory({ kind: 'range', min: q('1001m'), max: q('1999m') }))).toEqual(['fraction'])
    expect(keys(memory({ kind: 'range', min: q('1501m') }))).toEqual(['huge', 'two-bytes'])
    expect(keys(memory({ kind: 'range', max: q('1499m') }))).toEqual(['one-byte'])
    expect(keys(memory({ kind: 'match', value: q('9.1e15') }))).toEqual(['huge'])
    expect(keys({ type: 'k8slice', quantities: { cpu: { kind: 'range', min: q('9e18') } }, strings: {} })).toEqual(['huge'])
    expect(index.query({ type: 'k8slice' }, { limit: 10 }).total).toBe(4)
    index.remove('fraction')
    expect(keys(memory({ kind: 'match', value: q('1500m') }))).toEqual([])
  })

  it('answers exactly what matchesSelector accepts, in order, for thousands of seeded random cases', () => {
    const random = seededRandom(15)
    const make = randomFlavourFactory(random)
    let queries = 0
    let partial = 0
    for (let round = 0; round < 20; round++) {
      const index = FlavourIndex.empty()
      const model = new Map<string, Flavour>()
      for (let step = 0; step < 150; step++) {
        const key = `key-${Math.floor(random() * 60)}`
        if (make.maybe(0.15)) {
          index.remove(key)
          model.delete(key)
        } else {
          const flavour = make.flavour(`flavour-${Math.floor(random() * 40)}`)
          index.upsert(key, flavour, bytes(flavour))
          model.set(key, flavour)
        }
      }
      expect(index.size).toBe(model.size)
      const reloaded = FlavourIndex.fromSnapshot(index.toSnapshot({ round })).index
      for (let query = 0; query < 150; query++) {
        queries++
        const selector = make.selector()
        const expected = [...model]
          .filter(([, flavour]) => accepts(selector, flavour))
          .map(([key, flavour]) => ({ key, id: flavour.id, price: priceKey(flavour.price.amount) }))
          .sort((a, b) => a.price - b.price || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
          .map((row) => row.key)
        const limit = make.pick([1, 3, 7, 50, Infinity])
        expect(keysOf(index.query(selector, { limit: Infinity }).rows), JSON.stringify(selector)).toEqual(expected)
        expect(keysOf(walk(index, selector, limit).rows)).toEqual(expected)
        expect(keysOf(reloaded.query(selector, { limit: Infinity }).rows)).toEqual(expected)
        expect(index.count(selector)).toBe(expected.length)
        if (expected.length > 0 && expected.length < model.size) partial++
      }
    }
    expect(queries).toBe(3000)
    expect(partial).toBeGreaterThan(1000)
  })

  it('keeps earlier payload views intact while the arena grows and drops replaced bytes', () => {
    const index = FlavourIndex.empty()
    const flavour = aK8SliceFlavour({ id: 'busy' })
    index.upsert('busy', flavour, new Uint8Array(1000).fill(1))
    const first = [...index.rows()][0]!.payload
    for (let version = 2; version < 2000; version++) index.upsert('busy', flavour, new Uint8Array(1000).fill(version % 251))
    expect(first.every((byte) => byte === 1)).toBe(true)
    expect([...index.rows()][0]!.payload.every((byte) => byte === 1999 % 251)).toBe(true)
    expect(index.memory().arena).toBeLessThan(1_000_000)
  })

  function cpuAtLeast(text: string): Selector {
    return { type: 'k8slice', quantities: { cpu: { kind: 'range', min: q(text) } }, strings: {} }
  }

  function setup() {
    const index = FlavourIndex.empty()
    const flavours = [
      aK8SliceFlavour({ id: 'small', cpu: '2', memory: '4Gi' }),
      aK8SliceFlavour({ id: 'large', cpu: '16', memory: '32Gi', storage: '100Gi' }),
      aK8SliceFlavour({ id: 'arm', cpu: '2', memory: '4Gi', architecture: 'arm64' }),
      aServiceFlavour({ id: 'db' }),
    ]
    for (const flavour of flavours) index.upsert(flavour.id, flavour, bytes(flavour))
    return { index, flavours }
  }
})
