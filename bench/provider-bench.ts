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
import { ensureTable } from '../local/tables.ts'
import { FLAVOUR_INDEX_SHARDS, index, key } from '../adapters/dynamo/table-schema.ts'
import type { Figure } from './stats.ts'
import { percentile, pool, progress, timeEach } from './stats.ts'

const FLAVOURS = 10_000
const LIST_RUNS = 30
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
  const first = await app.request(path)
  const matched = ((await first.json()) as unknown[]).length
  progress(`LIST with a selector over ${FLAVOURS} flavours (${matched} match), ${LIST_RUNS} runs`)
  const durations = await timeEach(LIST_RUNS, async () => (await app.request(path)).arrayBuffer())
  const p50 = percentile(durations, 50)
  const p99 = percentile(durations, 99)
  progress('baseline: the raw DynamoDB queries that read the same index')
  const raw = percentile(await timeEach(LIST_RUNS, () => rawIndexRead(table)), 50)
  return [
    { name: `baseline: raw Query of the ${FLAVOURS}-flavour index, p50`, value: raw, unit: 'ms', ratio: raw / baseline.p50, baseline: 'GetItem p50' },
    { name: `LIST selector over ${FLAVOURS} flavours, p50`, value: p50, unit: 'ms', ratio: p50 / baseline.p50, baseline: 'GetItem p50' },
    { name: `LIST selector over ${FLAVOURS} flavours, p99`, value: p99, unit: 'ms', ratio: p99 / baseline.p50, baseline: 'GetItem p50' },
    { name: 'LIST selector p50 vs the raw index Query p50', value: p50, unit: 'ms', ratio: p50 / raw, baseline: 'raw Query p50' },
  ]
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
