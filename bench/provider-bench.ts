import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { queryIndexPartition } from '../adapters/dynamo/query-index.ts'
import type { TableContext } from '../adapters/dynamo/document-client.ts'
import { createTableContext } from '../adapters/dynamo/document-client.ts'
import { silentLogger } from '../adapters/logging/json-logger.ts'
import { Quantity } from '../core/quantity/quantity.ts'
import type { Flavour } from '../core/flavours/model.ts'
import { publishFlavour } from '../core/flavours/publish-flavour.ts'
import { composeParticipant } from '../functions/composition.ts'
import { loadConfig } from '../functions/config.ts'
import { createApp } from '../functions/http/create-app.ts'
import type { Emulators } from '../local/emulators.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/emulators.ts'
import { sampleFlavours } from '../test/support/sample-flavours.ts'
import type { IndexDeps } from '../core/catalog/indexed-listing.ts'
import { loadIndex } from '../core/catalog/indexed-listing.ts'
import { isK8Slice } from '../core/flavours/model.ts'
import { listFlavours } from '../core/flavours/list-flavours.ts'
import { holdsReflected } from '../core/reservations/holds-reflected.ts'
import { flavourFromWire } from '../core/wire/flavour-codec.ts'
import { reserveRequestToWire } from '../core/wire/reservation-codec.ts'
import { selectorFromRequest } from '../functions/http/provider-routes.ts'
import { ensureTable } from '../local/tables.ts'
import { FLAVOUR_INDEX_SHARDS, index, key } from '../adapters/dynamo/table-schema.ts'
import type { Figure } from './stats.ts'
import { percentile, pool, progress, timeEach } from './stats.ts'

const FLAVOURS = 10_000
const LIST_RUNS = 200
const BEFORE_RUNS = 3
const BASELINE_RUNS = 300
const CHAINS = 200

async function participant(emulators: Emulators, name: string) {
  const config = loadConfig({ PARTICIPANT_ID: name, PARTICIPANT_DOMAIN: 'bench.local', TABLE_NAME: `bench-${name}-${Date.now()}`, LIQO_CLUSTER_ID: 'liqo-bench' })
  const table = createTableContext({ tableName: config.tableName, endpoint: emulators.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
  await ensureTable(table)
  const composed = composeParticipant(config, { table, logger: silentLogger })
  return { table, composed, app: createApp(composed.app) }
}

function variedFlavour(template: Flavour, i: number): Flavour {
  if (template.spec.type !== 'k8slice') return template
  return {
    ...template,
    id: `bench.local-k8slice-${String(i).padStart(5, '0')}`,
    spec: {
      ...template.spec,
      characteristics: { ...template.spec.characteristics, cpu: Quantity.parse(String(1 + (i % 32))), memory: Quantity.parse(`${2 * (1 + (i % 64))}Gi`) },
    },
  }
}

async function rawIndexRead(table: TableContext): Promise<number> {
  const shards = Array.from({ length: FLAVOUR_INDEX_SHARDS }, (_, shard) => queryIndexPartition(table, index.availableFlavours('k8slice', shard), 'wire, poolId'))
  return (await Promise.all(shards)).reduce((sum, items) => sum + items.length, 0)
}

/** Raw DynamoDB GetItem round trip on the same emulator: the baseline every figure is divided by. */
export async function measureBaseline(emulators: Emulators): Promise<{ p50: number; p99: number }> {
  const { table, composed } = await participant(emulators, 'baseline')
  const [template] = sampleFlavours(composed.self, new Date())
  await publishFlavour(composed.app.provider.flavours, template!)
  const durations = await timeEach(BASELINE_RUNS, () =>
    table.client.send(new GetCommand({ TableName: table.tableName, Key: key.flavour(template!.id) })),
  )
  return { p50: percentile(durations, 50), p99: percentile(durations, 99) }
}

export async function benchList(emulators: Emulators, baseline: { p50: number }): Promise<Figure[]> {
  const { composed, app, table } = await participant(emulators, 'list')
  const [template] = sampleFlavours(composed.self, new Date())
  progress(`publishing ${FLAVOURS} flavours`)
  await pool(FLAVOURS, 32, (i) => publishFlavour(composed.app.provider.flavours, variedFlavour(template!, i)))
  const path = '/api/v2/flavors/k8slice?filter[architecture][match]=amd64&filter[cpu][range][min]=16&filter[memory][range][min]=64Gi'
  const [deps] = composed.listingIndexes as [IndexDeps]
  const cold = await timeEach(1, () => loadIndex(deps))
  const first = await app.request(path)
  const matched = ((await first.json()) as unknown[]).length
  progress(`warm LIST with a selector over ${FLAVOURS} flavours (${matched} match), ${LIST_RUNS} runs`)
  await timeEach(5, async () => (await app.request(path)).arrayBuffer())
  const durations = await timeEach(LIST_RUNS, async () => (await app.request(path)).arrayBuffer())
  const p50 = percentile(durations, 50)
  const p99 = percentile(durations, 99)
  progress('before: the same LIST read from the table and matched in code, as before the index')
  const selector = selectorFromRequest('k8slice', `http://bench${path}`)
  const before = percentile(await timeEach(BEFORE_RUNS, () => listFlavours(holdsReflected(composed.app.provider.flavours), selector)), 50)
  progress('a reserve on another instance, then a LIST here')
  const reflected = await reserveElsewhere(emulators, table, app, template!)
  progress('baseline: the raw DynamoDB queries that read the same index')
  const raw = percentile(await timeEach(5, () => rawIndexRead(table)), 50)
  return [
    { name: `baseline: raw Query of the ${FLAVOURS}-flavour index, p50`, value: raw, unit: 'ms', ratio: raw / baseline.p50, baseline: 'GetItem p50' },
    { name: `before: LIST read and matched per request, ${FLAVOURS} flavours, p50`, value: before, unit: 'ms', ratio: before / baseline.p50, baseline: 'GetItem p50' },
    { name: `warm LIST selector over ${FLAVOURS} flavours (${matched} match), p50`, value: p50, unit: 'ms', ratio: p50 / baseline.p50, baseline: 'GetItem p50', goal: { max: 2, on: 'ratio' } },
    { name: `warm LIST selector over ${FLAVOURS} flavours, p99`, value: p99, unit: 'ms', ratio: p99 / baseline.p50, baseline: 'GetItem p50', goal: { max: 5, on: 'ratio' } },
    { name: 'LIST right after a reserve on another instance: missed it', value: reflected ? 0 : 1, unit: 'times', goal: { max: 0, on: 'value' } },
    { name: `cold start: index read from the table, ${FLAVOURS} flavours`, value: cold[0]!, unit: 'ms', ratio: cold[0]! / baseline.p50, baseline: 'GetItem p50' },
  ]
}

/** Another instance (its own composition and warm index on the same table) reserves 1 of the 32 CPUs of a flavour this one listed; does the next LIST here show it? */
async function reserveElsewhere(emulators: Emulators, table: TableContext, app: ReturnType<typeof createApp>, template: Flavour): Promise<boolean> {
  const flavour = variedFlavour(template, 31)
  const cpuOf = async () => {
    const listed = ((await (await app.request('/api/v2/flavors/k8slice')).json()) as unknown[]).map(flavourFromWire).find((f) => f.id === flavour.id)
    return listed && isK8Slice(listed) ? listed.spec.characteristics.cpu.toString() : undefined
  }
  const before = await cpuOf()
  const config = loadConfig({ PARTICIPANT_ID: 'list', PARTICIPANT_DOMAIN: 'bench.local', TABLE_NAME: table.tableName, LIQO_CLUSTER_ID: 'liqo-bench' })
  const other = composeParticipant(config, { table: createTableContext({ tableName: table.tableName, endpoint: emulators.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }), logger: silentLogger })
  const res = await createApp(other.app).request('/api/v2/reservations', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(reserveRequestToWire({ flavourId: flavour.id, buyer: { id: 'bench-buyer', ip: '10.0.0.1:30000', domain: 'buyer.local', liqoId: 'liqo-buyer' }, configuration: { type: 'k8slice', cpu: Quantity.parse('1'), memory: Quantity.parse('1Gi'), pods: Quantity.parse('1') } })),
  })
  if (res.status !== 200) throw new Error(`bench reserve answered ${res.status}: ${await res.text()}`)
  const after = await cpuOf()
  return before !== undefined && after !== undefined && Quantity.parse(after).cmp(Quantity.parse(before)) < 0
}

interface PairIo {
  reads: number
  /** Items per write: a TransactWriteItems' item count, 1 for a single put or update. */
  writes: number[]
}

/** The DynamoDB commands `fn` sends through `table`: reads (Get, Query, Scan), and each write's item count. */
async function countCommands(table: TableContext, fn: () => Promise<unknown>): Promise<PairIo> {
  const io: PairIo = { reads: 0, writes: [] }
  const send = table.client.send.bind(table.client)
  table.client.send = ((command: { constructor: { name: string }; input: { TransactItems?: unknown[] } }) => {
    if (/Get|Query|Scan/.test(command.constructor.name)) io.reads++
    else io.writes.push(command.input.TransactItems?.length ?? 1)
    return send(command as never)
  }) as typeof table.client.send
  try {
    await fn()
  } finally {
    table.client.send = send
  }
  return io
}

/** A pair's reads and writes issued raw: as many GetItems, then TransactWriteItems of the same sizes on fresh keys. */
async function rawPairIo(table: TableContext, key0: Record<string, string>, io: PairIo, i: number) {
  for (let r = 0; r < io.reads; r++) await table.client.send(new GetCommand({ TableName: table.tableName, Key: key0 }))
  for (const [w, size] of io.writes.entries()) {
    const items = Array.from({ length: size }, (_, n) => ({ Put: { TableName: table.tableName, Item: { pk: `BENCH#${i}#${w}`, sk: String(n), value: i } } }))
    await table.client.send(new TransactWriteCommand({ TransactItems: items }))
  }
}

export async function benchReservePurchase(emulators: Emulators, baseline: { p50: number }): Promise<Figure[]> {
  const { composed, app, table } = await participant(emulators, 'reserve')
  const [template] = sampleFlavours(composed.self, new Date())
  await pool(CHAINS + 1, 16, (i) => publishFlavour(composed.app.provider.flavours, variedFlavour(template!, i)))
  const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  const reserveAndPurchase = async (i: number) => {
    const tx = (await (
      await post('/api/v2/reservations', {
        flavorID: `bench.local-k8slice-${String(i).padStart(5, '0')}`,
        buyerID: { ID: `buyer-${i}`, IP: '127.0.0.1:1', domain: 'b', additionalInformation: { liqoID: `liqo-${i}` } },
        configuration: { type: 'k8slice', data: { cpu: '1', memory: '1Gi', pods: '1' } },
      })
    ).json()) as { transactionID: string }
    const res = await post(`/api/v2/transactions/${tx.transactionID}/purchase`, {})
    if (res.status !== 200) throw new Error(`purchase answered ${res.status}`)
  }
  const io = await countCommands(table, () => reserveAndPurchase(CHAINS))
  progress(`reserve + purchase on ${CHAINS} flavours, 8 in flight (${io.reads} reads and writes of ${io.writes.join(' + ')} items each)`)
  const pairs: number[] = []
  const started = performance.now()
  await pool(CHAINS, 8, async (i) => {
    const t0 = performance.now()
    await reserveAndPurchase(i)
    pairs.push(performance.now() - t0)
  })
  const throughput = CHAINS / ((performance.now() - started) / 1000)
  progress('baseline: the same reads and writes issued raw, 8 in flight')
  const rawStarted = performance.now()
  await pool(CHAINS, 8, (i) => rawPairIo(table, key.flavour(template!.id), io, i))
  const rawThroughput = CHAINS / ((performance.now() - rawStarted) / 1000)
  const p50 = percentile(pairs, 50)
  return [
    { name: `baseline: ${io.reads} GetItems + TransactWrites of ${io.writes.join(' + ')} items, raw (8 in flight)`, value: rawThroughput, unit: 'ops/s' },
    { name: 'reserve + purchase throughput (8 in flight)', value: throughput, unit: 'ops/s', ratio: throughput / rawThroughput, baseline: 'raw reads and writes' },
    { name: 'reserve + purchase latency, p50', value: p50, unit: 'ms', ratio: p50 / baseline.p50, baseline: 'GetItem p50' },
    { name: 'reserve + purchase latency, p99', value: percentile(pairs, 99), unit: 'ms', ratio: percentile(pairs, 99) / baseline.p50, baseline: 'GetItem p50' },
  ]
}
