import { FlavourIndex } from '../core/catalog/flavour-index.ts'
import type { IndexCursor } from '../core/catalog/flavour-index.ts'
import { priceKey } from '../core/catalog/flavour-columns.ts'
import type { K8SliceFlavour, NodeIdentity } from '../core/flavours/model.ts'
import { matchesSelector } from '../core/flavours/selector.ts'
import type { Selector } from '../core/flavours/selector.ts'
import { Quantity } from '../core/quantity/quantity.ts'
import { flavourToWire } from '../core/wire/flavour-codec.ts'
import { formatTimestamp } from '../core/wire/wire-object.ts'
import { sampleFlavours } from '../test/support/sample-flavours.ts'
import type { Figure } from './stats.ts'
import { percentile, progress } from './stats.ts'
import { seededRandom } from '../test/support/seeded-random.ts'

const ROWS = 1_000_000
const PROVIDERS = 1_000
const BATCH = 20_000
const PAGE = 100
const SCAN_RUNS = 100
const PAGE_RUNS = 100
const WARM_UP = 5
const BASELINE_RUNS = 3

/** The shape of query: six predicates, about 30 % of the rows match. */
const SELECTOR: Selector = {
  type: 'k8slice',
  quantities: {
    cpu: { kind: 'range', min: Quantity.parse('8'), max: Quantity.parse('64') },
    memory: { kind: 'range', min: Quantity.parse('8Gi') },
    pods: { kind: 'range', min: Quantity.parse('32') },
    storage: { kind: 'range', max: Quantity.parse('2Ti') },
    gpu: { kind: 'range', max: Quantity.parse('2') },
  },
  strings: { architecture: { kind: 'match', value: 'amd64' } },
}

const quantities = new Map<string, Quantity>()
const quantity = (text: string) => {
  let value = quantities.get(text)
  if (!value) quantities.set(text, (value = Quantity.parse(text)))
  return value
}

/**
 * Varied K8Slices of a thousand providers, sharing immutable parts (quantities, owner, partitionability)
 * the way decoded flavours share nothing less, and their wire JSON (the payload a LIST answers with),
 * written by a template checked against `flavourToWire` on the first rows.
 */
export function flavourFactory() {
  const random = seededRandom(15)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const createdAt = new Date('2026-11-01T00:00:00Z')
  const owners: NodeIdentity[] = Array.from({ length: PROVIDERS }, (_, p) => {
    const name = `provider-${String(p).padStart(4, '0')}`
    return { id: name, ip: `10.${p >> 8}.${p & 255}.1:30001`, domain: `${name}.fluidos.eu`, liqoId: `liqo-${name}` }
  })
  const templates = owners.map((owner) => sampleFlavours(owner, createdAt)) as unknown as [K8SliceFlavour, K8SliceFlavour][]
  const ownerJson = owners.map((owner) => JSON.stringify(flavourToWire(templates[owners.indexOf(owner)]![0]).owner))
  const fixed = flavourToWire(templates[0]![0]) as unknown as { type: { data: { properties: unknown; policies: unknown } }; location: unknown }
  const gpuFixed = flavourToWire(templates[0]![1]) as unknown as { type: { data: { policies: unknown } } }
  const propertiesJson = JSON.stringify(fixed.type.data.properties)
  const policiesJson = JSON.stringify(fixed.type.data.policies)
  const gpuPoliciesJson = JSON.stringify(gpuFixed.type.data.policies)
  const locationJson = JSON.stringify(fixed.location)
  const timestamp = formatTimestamp(createdAt)
  const memories = Array.from({ length: 10 }, (_, k) => `${2 ** k}Gi`)
  const storages = ['50Gi', '100Gi', '500Gi', '1Ti', '4Ti']
  const gpus = [
    { model: 'nvidia-a100', cores: '1', memory: '40Gi' },
    { model: 'nvidia-a100', cores: '2', memory: '80Gi' },
    { model: 'nvidia-h100', cores: '4', memory: '80Gi' },
    { model: 'nvidia-h100', cores: '8', memory: '160Gi' },
  ]
  const q = (value: Quantity) => JSON.stringify(value.toString())

  function flavour(i: number): { flavour: K8SliceFlavour; json: string } {
    const p = i % PROVIDERS
    const [plain, withGpu] = templates[p]!
    const gpu = random() < 0.1 ? pick(gpus) : undefined
    const template = gpu ? withGpu : plain
    const storage = random() < 0.3 ? undefined : quantity(pick(storages))
    const characteristics = {
      architecture: random() < 0.75 ? 'amd64' : 'arm64',
      cpu: quantity(String(1 + Math.floor(random() * 64))),
      memory: quantity(pick(memories)),
      pods: quantity(pick(['16', '32', '64', '110', '250'])),
      ...(gpu ? { gpu: { model: gpu.model, cores: quantity(gpu.cores), memory: quantity(gpu.memory) } } : {}),
      ...(storage ? { storage } : {}),
    }
    const amount = random() < 0.01 ? 'on request' : (0.01 * (1 + Math.floor(random() * 5000))).toFixed(2)
    const id = `${template.owner.domain}-k8slice-${String(i).padStart(7, '0')}`
    const flavour: K8SliceFlavour = { ...template, id, spec: { ...template.spec, characteristics }, price: { amount, currency: 'EUR', period: 'hourly' } }
    const c = characteristics
    const json =
      `{"flavorID":${JSON.stringify(id)},"providerID":${JSON.stringify(template.providerId)},"type":{"name":"k8slice","data":{"charateristics":{"architecture":${JSON.stringify(c.architecture)},` +
      `"cpu":${q(c.cpu)},"memory":${q(c.memory)},"pods":${q(c.pods)}` +
      (c.gpu ? `,"gpu":{"model":${JSON.stringify(c.gpu.model)},"cores":${q(c.gpu.cores)},"memory":${q(c.gpu.memory)}}` : '') +
      (c.storage ? `,"storage":${q(c.storage)}` : '') +
      `},"properties":${gpu ? '{}' : propertiesJson},"policies":${gpu ? gpuPoliciesJson : policiesJson}}},"networkPropertyType":"networkProperty","timestamp":"${timestamp}",` +
      `"location":${locationJson},"price":{"amount":${JSON.stringify(amount)},"currency":"EUR","period":"hourly"},"owner":${ownerJson[p]},"availability":true}`
    if (i < 1000 && json !== JSON.stringify(flavourToWire(flavour))) throw new Error(`bench payload ${i} differs from flavourToWire`)
    return { flavour, json }
  }
  return flavour
}

const timed = (fn: () => unknown): number => {
  const started = performance.now()
  fn()
  return performance.now() - started
}
/** `runs` timings of `fn` after a few untimed runs (so the first compilation is not a p99). */
const times = (runs: number, fn: () => unknown, warmUp = WARM_UP) => {
  for (let i = 0; i < warmUp; i++) fn()
  return Array.from({ length: runs }, () => timed(fn))
}
const MB = 1024 * 1024

/**
 * The columnar flavour index at a million rows, without emulators: build, selector scan, first and
 * deep pages, snapshot size and cold load, memory; against `Array.filter` + sort over the same
 * flavour objects in the same run.
 */
export async function benchIndex(): Promise<Figure[]> {
  const make = flavourFactory()
  const encoder = new TextEncoder()
  const flavours: K8SliceFlavour[] = new Array(ROWS)
  const index = FlavourIndex.empty()
  const before = process.memoryUsage()
  progress(`index: building ${ROWS.toLocaleString('en')} K8Slice rows of ~800-byte wire JSON`)
  let build = 0
  let payloadBytes = 0
  for (let from = 0; from < ROWS; from += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, ROWS - from) }, (_, n) => make(from + n))
    const payloads = batch.map(({ json }) => encoder.encode(json))
    build += timed(() => {
      for (const [n, { flavour }] of batch.entries()) index.upsert(flavour.id, flavour, payloads[n]!)
    })
    for (const [n, { flavour }] of batch.entries()) {
      flavours[from + n] = flavour
      payloadBytes += payloads[n]!.length
    }
  }
  const after = process.memoryUsage()
  const own = index.memory()

  progress(`index: built in ${(build / 1000).toFixed(1)} s; selector scans and pages`)
  const matches = index.count(SELECTOR)
  const scan = times(SCAN_RUNS, () => index.count(SELECTOR))
  const firstPage = times(PAGE_RUNS, () => index.query(SELECTOR, { limit: PAGE }))
  const all = index.query(SELECTOR, { limit: Infinity })
  const middle = all.rows[Math.floor(all.rows.length / 2)]!
  const deepCursor: IndexCursor = { price: middle.price, id: middle.flavourId, key: middle.key }
  const deepPage = times(PAGE_RUNS, () => index.query(SELECTOR, { limit: PAGE, after: deepCursor }))
  const deepAnswer = index.query(SELECTOR, { limit: PAGE, after: deepCursor })
  const fullSorted = times(5, () => index.query(SELECTOR, { limit: Infinity }), 1)

  progress('baseline: Array.filter + sort over the same flavour objects')
  const filterRuns = times(BASELINE_RUNS, () => flavours.filter((f) => matchesSelector(f, SELECTOR)), 1)
  const byPrice = (a: { price: number; id: string }, b: { price: number; id: string }) => a.price - b.price || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  let baselineFirst: string[] = []
  const sortRuns = times(BASELINE_RUNS, () => {
    const sorted = flavours
      .filter((f) => matchesSelector(f, SELECTOR))
      .map((f) => ({ price: priceKey(f.price.amount), id: f.id }))
      .sort((a, b) => (a.price === b.price ? 0 : a.price < b.price ? -1 : 1) || byPrice(a, b))
    baselineFirst = sorted.slice(0, PAGE).map((row) => row.id)
  }, 1)
  const first = index.query(SELECTOR, { limit: PAGE })
  if (filterRuns.length && first.total !== matches) throw new Error('index total differs from its count')
  if (JSON.stringify(first.rows.map((row) => row.flavourId)) !== JSON.stringify(baselineFirst)) throw new Error('index first page differs from the baseline')

  progress('index: snapshot encode and cold load')
  let snapshot: Uint8Array = new Uint8Array(0)
  const encode = timed(() => (snapshot = index.toSnapshot({ version: 1 })))
  let loaded: FlavourIndex | undefined
  const decode = timed(() => (loaded = FlavourIndex.fromSnapshot(snapshot).index))
  const coldFirstPage = timed(() => loaded!.query(SELECTOR, { limit: PAGE }))
  const reloadedAgrees = JSON.stringify(loaded!.query(SELECTOR, { limit: PAGE, after: deepCursor })) === JSON.stringify(deepAnswer)
  if (!reloadedAgrees) throw new Error('the loaded snapshot answers differently')

  progress('index: cold load at 10,000 rows')
  const small = FlavourIndex.empty()
  for (const row of [...index.rows()].slice(0, 10_000)) small.upsert(row.key, flavours[Number(row.flavourId.slice(-7))]!, row.payload)
  const smallSnapshot = small.toSnapshot({ version: 1 })
  const smallDecode = times(20, () => FlavourIndex.fromSnapshot(smallSnapshot).index.query(SELECTOR, { limit: PAGE }))

  const filterP50 = percentile(filterRuns, 50)
  const sortP50 = percentile(sortRuns, 50)
  const rows = `${ROWS / 1_000_000}M`
  return [
    { name: `index: build ${rows} rows (upsert, ${(payloadBytes / ROWS).toFixed(0)}-byte payloads)`, value: build, unit: 'ms' },
    { name: `baseline: Array.filter over ${rows} flavours (${((100 * matches) / ROWS).toFixed(0)} % match), p50`, value: filterP50, unit: 'ms' },
    { name: `index: selector scan of ${rows} rows, p50`, value: percentile(scan, 50), unit: 'ms', ratio: percentile(scan, 50) / filterP50, baseline: 'Array.filter p50' },
    { name: `index: selector scan of ${rows} rows, p99`, value: percentile(scan, 99), unit: 'ms', ratio: percentile(scan, 99) / filterP50, baseline: 'Array.filter p50' },
    { name: `baseline: filter + sort + first ${PAGE}, p50`, value: sortP50, unit: 'ms' },
    { name: `index: first page of ${PAGE}, p50`, value: percentile(firstPage, 50), unit: 'ms', ratio: percentile(firstPage, 50) / sortP50, baseline: 'filter + sort p50' },
    { name: `index: first page of ${PAGE}, p99`, value: percentile(firstPage, 99), unit: 'ms', ratio: percentile(firstPage, 99) / sortP50, baseline: 'filter + sort p50' },
    { name: `index: deep page of ${PAGE} (after match ${Math.floor(all.rows.length / 2).toLocaleString('en')}), p50`, value: percentile(deepPage, 50), unit: 'ms' },
    { name: `index: deep page of ${PAGE} (after match ${Math.floor(all.rows.length / 2).toLocaleString('en')}), p99`, value: percentile(deepPage, 99), unit: 'ms' },
    { name: `index: every match sorted (${matches.toLocaleString('en')} rows), p50`, value: percentile(fullSorted, 50), unit: 'ms', ratio: percentile(fullSorted, 50) / sortP50, baseline: 'filter + sort p50' },
    { name: 'index: snapshot size', value: snapshot.length / MB, unit: 'MB' },
    { name: 'index: snapshot encode', value: encode, unit: 'ms' },
    { name: 'index: snapshot decode (cold load)', value: decode, unit: 'ms' },
    { name: `index: cold load + first page of ${PAGE}`, value: decode + coldFirstPage, unit: 'ms' },
    { name: 'index: snapshot size at 10,000 rows', value: smallSnapshot.length / MB, unit: 'MB' },
    { name: `index: cold load + first page of ${PAGE} at 10,000 rows, p50`, value: percentile(smallDecode, 50), unit: 'ms' },
    { name: 'index: typed columns + payload arena', value: (own.columns + own.arena) / MB, unit: 'MB' },
    { name: `heap used after the build (index + ${rows} flavour objects)`, value: after.heapUsed / MB, unit: 'MB' },
    { name: 'heap growth during the build', value: (after.heapUsed - before.heapUsed) / MB, unit: 'MB' },
    { name: 'external + array buffers after the build', value: (after.external + after.arrayBuffers) / MB, unit: 'MB' },
  ]
}
