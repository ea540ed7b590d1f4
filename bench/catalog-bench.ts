import type { IndexSnapshots } from '../core/catalog/indexed-listing.ts'
import { FlavourIndex } from '../core/catalog/flavour-index.ts'
import { providerKey } from '../core/discovery/model.ts'
import { INDEX_LOG_LAG_DEFAULT_MS } from '../functions/listing-index.ts'
import { silentLogger } from '../adapters/logging/json-logger.ts'
import { createTableContext } from '../adapters/dynamo/document-client.ts'
import { composeParticipant } from '../functions/composition.ts'
import { loadConfig } from '../functions/config.ts'
import { createApp } from '../functions/http/create-app.ts'
import type { Emulators } from '../local/emulators.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/emulators.ts'
import { ensureTable } from '../local/tables.ts'
import { flavourFactory } from './index-bench.ts'
import type { Figure } from './stats.ts'
import { percentile, progress, timeEach } from './stats.ts'

const ROWS = 1_000_000
const RUNS = 100
const SELECTOR = 'filter[architecture][match]=amd64&filter[cpu][range][min]=8&filter[memory][range][min]=8Gi'

/** A catalog's publications index at `rows` rows, as the compactor would have written it a moment ago. */
function publicationsSnapshot(rows: number, now: Date): Uint8Array {
  const next = flavourFactory()
  const index = FlavourIndex.empty()
  const encoder = new TextEncoder()
  const seenAt = now.toISOString()
  const expiresAt = new Date(now.getTime() + 86_400_000).toISOString()
  for (let i = 0; i < rows; i++) {
    const { flavour, json } = next(i)
    index.upsert(providerKey(flavour), flavour, encoder.encode(JSON.stringify({ wire: json, route: [flavour.owner.id], seenAt, expiresAt })))
    if (i % 200_000 === 199_999) progress(`  ${(i + 1).toLocaleString('en')} publications indexed`)
  }
  return index.toSnapshot({ readFromMs: now.getTime() - INDEX_LOG_LAG_DEFAULT_MS, applied: [] })
}

/**
 * A hosted catalog with a million published flavours in its warm index, asked through its real HTTP
 * relay route for the first page of 100 (and a deep page), each request checking the change log on
 * DynamoDB Local first; the cold load of the snapshot is measured too.
 */
export async function benchCatalog(emulators: Emulators, baseline: { p50: number }): Promise<Figure[]> {
  progress(`building a ${ROWS.toLocaleString('en')}-flavour publications snapshot`)
  const bytes = publicationsSnapshot(ROWS, new Date())
  const snapshots: IndexSnapshots = { read: async () => bytes, write: async () => {} }
  const config = loadConfig({ REAR_ROLE: 'catalog', PARTICIPANT_ID: 'catalog', PARTICIPANT_DOMAIN: 'catalog.bench', TABLE_NAME: `bench-catalog-${Date.now()}` })
  const table = createTableContext({ tableName: config.tableName, endpoint: emulators.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
  await ensureTable(table)
  const catalog = composeParticipant(config, { table, logger: silentLogger, indexSnapshots: { pub: snapshots } })
  const app = createApp(catalog.app)
  const relay = async (page: { limit: number; cursor?: string }) => {
    const body = { type: 'k8slice', selector: SELECTOR, visited: ['bench'], hopsLeft: 0, correlationId: 'bench', budgetMs: 2000, ...page }
    const res = await app.request('/rear/v1/relay/list-flavours', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    if (res.status !== 200) throw new Error(`catalog relay answered ${res.status}: ${await res.text()}`)
    return (await res.json()) as { results: unknown[]; nextCursor?: string }
  }
  progress('cold load of the snapshot (the first request)')
  const [cold] = await timeEach(1, () => relay({ limit: 100 }))
  progress(`first page of 100 over ${ROWS.toLocaleString('en')} flavours, ${RUNS} runs`)
  await timeEach(5, () => relay({ limit: 100 }))
  const first = await timeEach(RUNS, () => relay({ limit: 100 }))
  let cursor: string | undefined
  for (let page = 0; page < 50; page++) cursor = (await relay({ limit: 100, ...(cursor ? { cursor } : {}) })).nextCursor
  const deep = await timeEach(RUNS, () => relay({ limit: 100, ...(cursor ? { cursor } : {}) }))
  const p99 = percentile(first, 99)
  return [
    { name: `catalog: cold load of a ${ROWS.toLocaleString('en')}-flavour snapshot (${Math.round(bytes.byteLength / 1024 / 1024)} MB) + first page`, value: cold!, unit: 'ms' },
    { name: `catalog: warm relay, first page of 100 over ${ROWS.toLocaleString('en')}, p50`, value: percentile(first, 50), unit: 'ms', ratio: percentile(first, 50) / baseline.p50, baseline: 'GetItem p50' },
    { name: `catalog: warm relay, first page of 100 over ${ROWS.toLocaleString('en')}, p99`, value: p99, unit: 'ms', ratio: p99 / baseline.p50, baseline: 'GetItem p50', goal: { max: 100, on: 'value' } },
    { name: 'catalog: warm relay, page 51 of 100, p99', value: percentile(deep, 99), unit: 'ms', goal: { max: 100, on: 'value' } },
  ]
}
