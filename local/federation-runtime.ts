import type { ServerType } from '@hono/node-server'
import { serve } from '@hono/node-server'
import { createTableContext } from '../adapters/dynamo/document-client.ts'
import type { TableContext } from '../adapters/dynamo/document-client.ts'
import { JsonLogger, silentLogger } from '../adapters/logging/json-logger.ts'
import type { Clock } from '../core/shared/ports.ts'
import { systemClock } from '../core/shared/system-clock.ts'
import { publishFlavour } from '../core/flavours/publish-flavour.ts'
import { sweepParticipant } from '../functions/sweep-participant.ts'
import { publishToAggregators } from '../core/discovery/publish-to-aggregators.ts'
import { registerPeer } from '../core/peers/register-peer.ts'
import { composeParticipant } from '../functions/composition.ts'
import type { Participant } from '../functions/composition.ts'
import { loadConfig } from '../functions/config.ts'
import type { ParticipantConfig } from '../functions/config.ts'
import { createApp } from '../functions/http/create-app.ts'
import type { Emulators } from './emulators.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators } from './emulators.ts'
import type { LocalParticipant } from './federation.ts'
import { DEFAULT_FEDERATION } from './federation.ts'
import { sampleFlavours } from './sample-flavours.ts'
import { ensureTable } from './tables.ts'
import { createSqsClient } from '../adapters/sqs/sqs-client.ts'
import { processChainBatch } from '../functions/queues/chain-batch.ts'
import type { ParticipantQueues } from './sqs-queues.ts'
import { ensureParticipantQueues } from './sqs-queues.ts'
import { startPoller } from './sqs-poller.ts'
import { assertPortsFree } from './port-check.ts'

export interface FederationOptions {
  participants?: readonly LocalParticipant[]
  host?: string
  dataPath?: string
  clock?: Clock
  /** JSON request logs on stdout; off in tests. */
  logs?: boolean
  /** How often the local stand-in for the cron sweeper runs, in ms. */
  sweepEveryMs?: number
  /** How often sellers republish their flavours, in ms. */
  publishEveryMs?: number
  /**
   * Configuration variables for every participant (e.g. PEER_TIMEOUT_MS, ADMIN_TOKEN); those in
   * PER_PARTICIPANT_VARIABLES are set by the federation for each participant and win.
   */
  env?: Record<string, string>
  onProgress?: (message: string) => void
  /** Use these running emulators instead of starting new ones (tests). */
  emulators?: Pick<Emulators, 'dynamoEndpoint' | 'sqsEndpoint'>
  /** Prefix of table names, so several federations can share one emulator. */
  tablePrefix?: string
}

export interface RunningParticipant {
  spec: LocalParticipant
  url: string
  participant: Participant
  queues: ParticipantQueues
  table: TableContext
  /** What it was configured with, after the environment was applied. */
  config: ParticipantConfig
}

export interface Federation {
  emulators: Emulators
  participants: RunningParticipant[]
  stop(): Promise<void>
}

/** Each participant learns the ones its spec says it knows, as an operator would register them. */
async function registerPeers(running: readonly RunningParticipant[], host: string): Promise<void> {
  const byId = new Map(running.map((r) => [r.spec.id, r.spec]))
  for (const { spec, participant } of running) {
    for (const id of spec.knows) {
      const known = byId.get(id)
      if (!known) continue
      await registerPeer(participant.discovery.peers, spec.id, {
        id,
        domain: known.domain,
        role: known.role,
        baseUrl: `http://${host}:${known.port}`,
        protocol: known.protocol ?? 'rear-cloud',
      })
    }
  }
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(server))
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} is in use; choose others with --port-offset`, { cause: error }) : error),
    )
  })
}

/** One participant's configuration: the shared variables, then what only this participant can have. */
function participantEnv(spec: LocalParticipant, host: string, options: FederationOptions, queues: { chain: string; agent: string }): Record<string, string | undefined> {
  return {
    ...options.env,
    REAR_ROLE: spec.role,
    PARTICIPANT_ID: spec.id,
    PARTICIPANT_DOMAIN: spec.domain,
    PARTICIPANT_ENDPOINT: `${host}:${spec.port}`,
    PARTICIPANT_URL: `http://${host}:${spec.port}`,
    TABLE_NAME: `${options.tablePrefix ?? 'rear'}-${spec.id}`,
    LIQO_CLUSTER_ID: `liqo-${spec.id}`,
    PEERING_KUBECONFIG: Buffer.from(`# local fake kubeconfig of ${spec.id}\n`).toString('base64'),
    CHAIN_QUEUE_URL: queues.chain,
    AGENT_QUEUE_URL: queues.agent,
    DYNAMODB_ENDPOINT: undefined,
    SQS_ENDPOINT: undefined,
    AWS_REGION: undefined,
  }
}

/** Bad configuration and taken ports stop the start before the emulators take seconds to come up. */
async function preflight(specs: readonly LocalParticipant[], host: string, options: FederationOptions): Promise<void> {
  for (const spec of specs) loadConfig(participantEnv(spec, host, options, { chain: 'http://127.0.0.1/chain', agent: 'http://127.0.0.1/agent' }))
  await assertPortsFree(host, specs.map((spec) => ({ port: spec.port, owner: spec.id })))
}

/** Sellers republish often enough that their publications never lapse between refreshes. */
const publishInterval = (options: FederationOptions, publicationTtlMs: number) => options.publishEveryMs ?? Math.min(30_000, Math.floor(publicationTtlMs / 3))

/**
 * The embedded local federation: emulators, one table per participant, and each participant's app
 * on its own port, exactly as deployed functions would run it. Sellers get sample flavours.
 */
export async function startFederation(options: FederationOptions = {}): Promise<Federation> {
  const progress = options.onProgress ?? (() => {})
  const host = options.host ?? '127.0.0.1'
  const clock = options.clock ?? systemClock
  const specs = options.participants ?? DEFAULT_FEDERATION
  await preflight(specs, host, options)
  const emulators: Emulators = options.emulators
    ? { ...options.emulators, stop: async () => {} }
    : await startEmulators({ ...(options.dataPath ? { dataPath: options.dataPath } : {}), onProgress: progress })
  const sqsConfig = { endpoint: emulators.sqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }
  const sqs = createSqsClient(sqsConfig)
  const pollers: { stop(): Promise<void> }[] = []
  const servers: ServerType[] = []
  const timers: NodeJS.Timeout[] = []
  const running: RunningParticipant[] = []
  try {
    for (const spec of specs) {
      progress(`starting ${spec.role} ${spec.id} on ${host}:${spec.port}`)
      const queues = await ensureParticipantQueues(sqs, `${options.tablePrefix ?? 'rear'}-${spec.id}`)
      const config = loadConfig(participantEnv(spec, host, options, queues))
      const table = createTableContext({ tableName: config.tableName, endpoint: emulators.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
      await ensureTable(table)
      const logger = options.logs ? new JsonLogger({ participant: spec.id, role: spec.role }) : silentLogger
      const participant = composeParticipant(config, { table, clock, logger, sqs: sqsConfig })
      pollers.push(startPoller(sqs, queues.chain, (records) => processChainBatch(participant.chain, records)))
      if (spec.seller) for (const flavour of sampleFlavours(participant.self, clock.now())) await publishFlavour(participant.app.provider.flavours, flavour)
      servers.push(await listen(createApp(participant.app), host, spec.port))
      const sweep = () => void sweepParticipant(participant.sweep).catch((error) => logger.warn('SWEEP_FAILED', { error: String(error) }))
      timers.push(setInterval(sweep, options.sweepEveryMs ?? 60_000).unref())
      running.push({ spec, url: `http://${host}:${spec.port}`, participant, queues, table, config })
    }
    await registerPeers(running, host)
    await Promise.all(running.map((r) => sweepParticipant(r.participant.sweep)))
    for (const p of running.filter((r) => r.spec.seller)) {
      progress(`publishing ${p.spec.id}'s flavours to its supernode and catalogs`)
      await publishToAggregators(p.participant.publish)
      timers.push(setInterval(() => void publishToAggregators(p.participant.publish).catch(() => {}), publishInterval(options, p.config.publicationTtlMs)).unref())
    }
  } catch (error) {
    await Promise.all(pollers.map((p) => p.stop()))
    servers.forEach((s) => s.close())
    await emulators.stop()
    throw error
  }
  return {
    emulators,
    participants: running,
    async stop() {
      timers.forEach(clearInterval)
      await Promise.all(pollers.map((p) => p.stop()))
      sqs.destroy()
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
      await emulators.stop()
    },
  }
}
