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
import type { Flavour, NodeIdentity } from '../core/flavours/model.ts'
import type { RunningAgent } from '../agent/run-agent.ts'
import type { MemberCluster } from './member-clusters.ts'
import { kubeconfigDirectory, localAgentConfig, startMemberAgent, startMemberCluster } from './member-clusters.ts'
import { consumerClusterObjects, providerClusterObjects } from './sample-clusters.ts'
import { sampleServiceFlavour } from './sample-service-flavour.ts'
import { ensureTable } from './tables.ts'
import { compactListings } from '../functions/listing-index.ts'
import { ensureBucket } from './s3-buckets.ts'
import { createSqsClient } from '../adapters/sqs/sqs-client.ts'
import { processChainBatch } from '../functions/queues/chain-batch.ts'
import { localAllowedHosts } from '../functions/http/hardening.ts'
import { DEV_WEBHOOK_SECRET } from '../adapters/webhooks/standard-webhooks.ts'
import type { ParticipantQueues } from './sqs-queues.ts'
import { ensureParticipantQueues } from './sqs-queues.ts'
import { startPoller } from './sqs-poller.ts'
import { assertPortsFree } from './port-check.ts'
import { agentSigner } from '../agent/agent-key.ts'
import { publicPart } from '../core/security/keys.ts'
import { sealingPublicPart } from '../core/security/sealing-keys.ts'
import type { FederationKeys } from './federation-keys.ts'
import { federationKeys } from './federation-keys.ts'

export interface FederationOptions {
  participants?: readonly LocalParticipant[]
  host?: string
  dataPath?: string
  clock?: Clock
  /** JSON request logs on stdout; off in tests. */
  logs?: boolean
  /** How often the local stand-in for the cron sweeper runs, in ms. */
  sweepEveryMs?: number
  /** How often the local stand-in for the index compactor cron writes each node's listing snapshot, in ms. */
  compactEveryMs?: number
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
  /**
   * A fake cluster (fake Kubernetes API server, Liqo's controllers simulated) and an in-cluster agent
   * for every node participant, the agent publishing the cluster's nodes as K8Slice flavours. Default
   * true; false runs the participants alone (sellers then have only what `seedFlavours` gives).
   */
  clusters?: boolean
  /** What sellers are seeded with through the admin path; default: the sample database service flavour. */
  seedFlavours?: (self: NodeIdentity, now: Date) => Flavour[]
  /**
   * `npm start -- --secure`: unsigned calls to `/api`, `/rear` and `/agent` get 401 even from loopback.
   * Without it they are accepted from loopback (curl, FLUIDOS tools); the federation's own calls are signed either way.
   */
  secure?: boolean
}

export interface RunningParticipant {
  spec: LocalParticipant
  url: string
  participant: Participant
  queues: ParticipantQueues
  table: TableContext
  /** What it was configured with, after the environment was applied. */
  config: ParticipantConfig
  /** Its fake cluster, followed by its agent: node participants only, unless `clusters: false`. */
  cluster?: MemberCluster
}

export interface Federation {
  emulators: Emulators
  participants: RunningParticipant[]
  stop(): Promise<void>
}

/** Each participant learns the ones its spec says it knows, as an operator would register them. */
async function registerPeers(running: readonly RunningParticipant[], host: string, keys: FederationKeys): Promise<void> {
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
        ...(keys.has(id) ? { publicKeys: [publicPart(keys.get(id)!.participant), sealingPublicPart(keys.get(id)!.sealing)] } : {}),
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
function participantEnv(
  spec: LocalParticipant,
  host: string,
  options: FederationOptions,
  queues: { chain: string; agent: string },
  keys: FederationKeys,
  kubeconfig = `# local fake kubeconfig of ${spec.id}\n`,
): Record<string, string | undefined> {
  const own = keys.get(spec.id)
  return {
    ...options.env,
    ...(own
      ? {
          SIGNING_KEYS: JSON.stringify({ current: own.participant }),
          SEALING_KEYS: JSON.stringify({ current: own.sealing }),
          AGENT_PUBLIC_KEYS: JSON.stringify({ keys: [publicPart(own.agent)] }),
          PEER_PUBLIC_KEYS: JSON.stringify(Object.fromEntries([...keys].filter(([id]) => id !== spec.id).map(([id, pair]) => [id, [publicPart(pair.participant), sealingPublicPart(pair.sealing)]]))),
        }
      : { SIGNING_KEYS: undefined, SEALING_KEYS: undefined, AGENT_PUBLIC_KEYS: undefined, PEER_PUBLIC_KEYS: undefined }),
    LOCAL_UNSIGNED_LOOPBACK: options.secure ? 'false' : 'true',
    INTENT_WEBHOOK_SECRET: options.env?.INTENT_WEBHOOK_SECRET || DEV_WEBHOOK_SECRET,
    REAR_ROLE: spec.role,
    PARTICIPANT_ID: spec.id,
    PARTICIPANT_DOMAIN: spec.domain,
    PARTICIPANT_ENDPOINT: `${host}:${spec.port}`,
    PARTICIPANT_URL: `http://${host}:${spec.port}`,
    ALLOWED_HOSTS: options.env?.ALLOWED_HOSTS || localAllowedHosts(host, spec.port),
    TABLE_NAME: `${options.tablePrefix ?? 'rear'}-${spec.id}`,
    INDEX_SNAPSHOT_BUCKET: snapshotBucket(options),
    LIQO_CLUSTER_ID: `liqo-${spec.id}`,
    PEERING_KUBECONFIG: Buffer.from(kubeconfig).toString('base64'),
    CHAIN_QUEUE_URL: queues.chain,
    AGENT_QUEUE_URL: queues.agent,
    DYNAMODB_ENDPOINT: undefined,
    SQS_ENDPOINT: undefined,
    S3_ENDPOINT: undefined,
    AWS_REGION: undefined,
  }
}

/** The local S3 bucket (on the SQS emulator, which serves S3 too) the listing index snapshots go to. */
const snapshotBucket = (options: FederationOptions) =>
  options.env?.INDEX_SNAPSHOT_BUCKET || `${(options.tablePrefix ?? 'rear').toLowerCase().replace(/[^a-z0-9-]/g, '-')}-index-snapshots`.slice(0, 63)

/** Bad configuration and taken ports stop the start before the emulators take seconds to come up. */
async function preflight(specs: readonly LocalParticipant[], host: string, options: FederationOptions): Promise<void> {
  for (const spec of specs) loadConfig(participantEnv(spec, host, options, { chain: 'http://127.0.0.1/chain', agent: 'http://127.0.0.1/agent' }, new Map()))
  await assertPortsFree(host, specs.map((spec) => ({ port: spec.port, owner: spec.id })))
}

/** Sellers republish often enough that their publications never lapse between refreshes. */
const publishInterval = (options: FederationOptions, publicationTtlMs: number) => options.publishEveryMs ?? Math.min(30_000, Math.floor(publicationTtlMs / 3))

/** The objects of a participant's fake cluster: only nodes have clusters; a seller's is the bigger one. */
const clusterObjects = (spec: LocalParticipant) => (spec.role !== 'node' ? undefined : spec.seller ? providerClusterObjects() : consumerClusterObjects())

/**
 * The embedded local federation: emulators, one table per participant, and each participant's app
 * on its own port, exactly as deployed functions would run it. Each node participant gets a fake
 * cluster and an agent publishing its nodes as K8Slice flavours (unless `clusters: false`); sellers
 * are also seeded with `seedFlavours` (the sample database service by default). Sellers publish to
 * their aggregators only once every agent's first scan is in, so discovery finds them right away.
 */
export async function startFederation(options: FederationOptions = {}): Promise<Federation> {
  const progress = options.onProgress ?? (() => {})
  const host = options.host ?? '127.0.0.1'
  const clock = options.clock ?? systemClock
  const specs = options.participants ?? DEFAULT_FEDERATION
  await preflight(specs, host, options)
  const keys = await federationKeys(specs, options.dataPath)
  const emulators: Emulators = options.emulators
    ? { ...options.emulators, stop: async () => {} }
    : await startEmulators({ ...(options.dataPath ? { dataPath: options.dataPath } : {}), onProgress: progress })
  const sqsConfig = { endpoint: emulators.sqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }
  const sqs = createSqsClient(sqsConfig)
  await ensureBucket(sqsConfig, snapshotBucket(options))
  const pollers: { stop(): Promise<void> }[] = []
  const servers: ServerType[] = []
  const timers: NodeJS.Timeout[] = []
  const running: RunningParticipant[] = []
  const clusters: { stop(): Promise<void> }[] = []
  const agents: RunningAgent[] = []
  const seed = options.seedFlavours ?? ((self: NodeIdentity, now: Date) => [sampleServiceFlavour(self, now)])
  const withClusters = (options.clusters ?? true) && specs.some((spec) => clusterObjects(spec))
  let kubeconfigs: Awaited<ReturnType<typeof kubeconfigDirectory>> | undefined
  const stopClusters = async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop().catch(() => {})))
    await Promise.all(clusters.splice(0).map((c) => c.stop().catch(() => {})))
    await kubeconfigs?.dispose().catch(() => {})
  }
  try {
    if (withClusters) kubeconfigs = await kubeconfigDirectory(options.dataPath)
    for (const spec of specs) {
      progress(`starting ${spec.role} ${spec.id} on ${host}:${spec.port}`)
      const objects = kubeconfigs && clusterObjects(spec)
      let cluster: MemberCluster | undefined
      if (kubeconfigs && objects) {
        const started = await startMemberCluster({ name: spec.id, clusterId: `liqo-${spec.id}`, objects, directory: kubeconfigs.path })
        clusters.push(started)
        cluster = { kube: started.kube, kubeconfigPath: started.kubeconfigPath }
        progress(`${spec.id}'s fake cluster (Liqo simulated) on ${started.kube.url}, kubeconfig ${started.kubeconfigPath}`)
      }
      const queues = await ensureParticipantQueues(sqs, `${options.tablePrefix ?? 'rear'}-${spec.id}`)
      const config = loadConfig(participantEnv(spec, host, options, queues, keys, cluster?.kube.kubeconfig.yaml))
      const table = createTableContext({ tableName: config.tableName, endpoint: emulators.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
      await ensureTable(table)
      const logger = options.logs ? new JsonLogger({ participant: spec.id, role: spec.role }) : silentLogger
      const participant = composeParticipant(config, { table, clock, logger, sqs: sqsConfig, s3: sqsConfig })
      pollers.push(startPoller(sqs, queues.chain, (records) => processChainBatch(participant.chain, records, participant.intents)))
      if (spec.seller) for (const flavour of seed(participant.self, clock.now())) await publishFlavour(participant.app.provider.flavours, flavour)
      servers.push(await listen(createApp(participant.app), host, spec.port))
      const sweep = () => void sweepParticipant(participant.sweep).catch((error) => logger.warn('SWEEP_FAILED', { error: String(error) }))
      timers.push(setInterval(sweep, options.sweepEveryMs ?? 60_000).unref())
      const compact = () => void compactListings(participant.listingIndexes).catch((error) => logger.warn('INDEX_COMPACTION_FAILED', { error: String(error) }))
      timers.push(setInterval(compact, options.compactEveryMs ?? 300_000).unref())
      running.push({ spec, url: `http://${host}:${spec.port}`, participant, queues, table, config, ...(cluster ? { cluster } : {}) })
    }
    await Promise.all(
      running.map(async ({ spec, url, participant, config, cluster }) => {
        if (!cluster) return
        progress(`starting ${spec.id}'s agent on its fake cluster`)
        const logger = options.logs ? new JsonLogger({ participant: spec.id, component: 'agent', clusterId: config.liqoClusterId }) : silentLogger
        agents.push(
          await startMemberAgent({
            cluster,
            config: localAgentConfig(participant.self, config.liqoClusterId),
            participantUrl: url,
            ...(config.agentToken ? { token: config.agentToken } : {}),
            ...(keys.has(spec.id) ? { signer: agentSigner(keys.get(spec.id)!.agent, clock) } : {}),
            logger,
            now: () => clock.now(),
          }),
        )
      }),
    )
    await registerPeers(running, host, keys)
    await Promise.all(running.map((r) => sweepParticipant(r.participant.sweep)))
    for (const p of running.filter((r) => r.spec.seller)) {
      progress(`publishing ${p.spec.id}'s flavours to its supernode and catalogs`)
      await publishToAggregators(p.participant.publish)
      timers.push(setInterval(() => void publishToAggregators(p.participant.publish).catch(() => {}), publishInterval(options, p.config.publicationTtlMs)).unref())
    }
  } catch (error) {
    await stopClusters()
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
      await stopClusters()
      await Promise.all(pollers.map((p) => p.stop()))
      sqs.destroy()
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
      await emulators.stop()
    },
  }
}
