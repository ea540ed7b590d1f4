import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { createTableContext } from '../adapters/dynamo/document-client.ts'
import { silentLogger } from '../adapters/logging/json-logger.ts'
import { registerPeer } from '../core/peers/register-peer.ts'
import { composeParticipant } from '../functions/composition.ts'
import { loadConfig } from '../functions/config.ts'
import { createApp } from '../functions/http/create-app.ts'
import type { Emulators } from '../local/emulators.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/emulators.ts'
import { ensureTable } from '../local/tables.ts'
import type { Figure } from './stats.ts'
import { percentile, progress, timeEach } from './stats.ts'

const PEERS = 50
const SILENT = 5
const PEER_TIMEOUT_MS = 500
const RUNS = 10

function listen(handler: (respond: (body: string) => void) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume()
    handler((body) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body))
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` })
    }),
  )
}

/** One supernode relays 50 searches (each its own, fresh) to 50 peers, 5 of which never answer: total time as a ratio of the per-peer timeout. */
export async function benchFanOut(emulators: Emulators): Promise<Figure[]> {
  const config = loadConfig({
    REAR_ROLE: 'supernode',
    PARTICIPANT_ID: 'bench-supernode',
    PARTICIPANT_DOMAIN: 'bench.local',
    TABLE_NAME: `bench-fanout-${Date.now()}`,
    PEER_TIMEOUT_MS: String(PEER_TIMEOUT_MS),
  })
  const table = createTableContext({ tableName: config.tableName, endpoint: emulators.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
  await ensureTable(table)
  const supernode = composeParticipant(config, { table, logger: silentLogger })
  const app = createApp(supernode.app)
  const servers: Server[] = []
  progress(`fan-out to ${PEERS} peers, ${SILENT} of which never answer (per-peer timeout ${PEER_TIMEOUT_MS} ms)`)
  for (let i = 0; i < PEERS; i++) {
    const silent = i < SILENT
    const { server, url } = await listen((respond) => (silent ? undefined : respond('{"results":[],"failed":[]}')))
    servers.push(server)
    await registerPeer(supernode.discovery.peers, 'bench-supernode', { id: `peer-${i}`, domain: `d${i}`, role: 'supernode', baseUrl: url, protocol: 'rear-cloud' })
  }
  const body = (search: string) =>
    JSON.stringify({ type: 'k8slice', selector: 'filter[cpu][range][min]=1', visited: ['asker'], hopsLeft: 3, correlationId: `bench-${search}`, budgetMs: 10_000, fresh: true })
  let failedPeers = 0
  await app.request('/rear/v1/relay/list-flavours', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body('warm-up') })
  const durations = await timeEach(RUNS, async (i) => {
    const res = await app.request('/rear/v1/relay/list-flavours', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body(String(i)) })
    failedPeers = ((await res.json()) as { failed: unknown[] }).failed.length
  })
  servers.forEach((s) => {
    s.closeAllConnections()
    s.close()
  })
  const p50 = percentile(durations, 50)
  const p99 = percentile(durations, 99)
  return [
    { name: `fan-out to ${PEERS} peers (${SILENT} silent), failed peers reported`, value: failedPeers, unit: 'peers', ratio: failedPeers / SILENT, baseline: 'silent peers' },
    { name: `fan-out to ${PEERS} peers (${SILENT} silent), total p50`, value: p50, unit: 'ms', ratio: p50 / PEER_TIMEOUT_MS, baseline: 'per-peer timeout', goal: { max: 1.1, on: 'ratio' } },
    { name: `fan-out to ${PEERS} peers (${SILENT} silent), total p99`, value: p99, unit: 'ms', ratio: p99 / PEER_TIMEOUT_MS, baseline: 'per-peer timeout' },
  ]
}
