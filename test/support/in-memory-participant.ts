import { InMemoryIntentQueue, InMemoryIntents } from './in-memory-intents.ts'
import { InMemoryProviderStatsRepository } from './in-memory-provider-stats.ts'
import { InMemoryAuditLog } from './in-memory-audit-log.ts'
import { DEV_WEBHOOK_SECRET } from '../../adapters/webhooks/standard-webhooks.ts'
import type { ChainMessage } from '../../core/chain/model.ts'
import type { AgentCommandBody } from '../../core/cluster/cluster-commands.ts'
import type { Flavour } from '../../core/flavours/model.ts'
import { publishFlavour } from '../../core/flavours/publish-flavour.ts'
import type { Peer, Role } from '../../core/peers/model.ts'
import type { Logger } from '../../core/shared/ports.ts'
import { composeParticipant } from '../../functions/composition.ts'
import { loadConfig } from '../../functions/config.ts'
import { createApp } from '../../functions/http/create-app.ts'
import { InMemoryHops } from './in-memory-hops.ts'
import { InMemoryAgentCommandRecords, InMemoryAgentInbox, InMemoryClusterStatus } from './in-memory-agent-inbox.ts'
import { FakeClock } from './fake-clock.ts'
import { InMemoryPeers, InMemoryRemoteFlavours } from './in-memory-discovery.ts'
import { InMemoryProviderStore } from './in-memory-provider-store.ts'
import { RecordingLogger } from './recording-logger.ts'
import { SequentialIds } from './sequential-ids.ts'

export interface InMemoryParticipantOptions {
  role?: Role
  /** Environment variables on top of a provider node's (`PARTICIPANT_ID=provider-1`, …). */
  env?: Record<string, string>
  peers?: readonly Peer[]
  flavours?: readonly Flavour[]
  logger?: Logger
  /** Answers this participant's calls to peers (discovery, publication, chain transport). */
  fetch?: typeof fetch
  clock?: FakeClock
}

export interface JsonResponse {
  status: number
  headers: Headers
  text: string
  body: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A participant composed exactly as in the cloud but on in-memory repositories, a fake clock and
 * sequential ids, served through `app.request()`: HTTP tests without the emulators.
 */
export async function createInMemoryParticipant(options: InMemoryParticipantOptions = {}) {
  const clock = options.clock ?? new FakeClock()
  const ids = new SequentialIds()
  const logger = options.logger ?? new RecordingLogger()
  const store = new InMemoryProviderStore()
  const peers = new InMemoryPeers(options.peers)
  const candidates = new InMemoryRemoteFlavours()
  const published = new InMemoryRemoteFlavours()
  const hops = new InMemoryHops(store.contracts, store.allocations)
  const agentInbox = new InMemoryAgentInbox()
  const agentRecords = new InMemoryAgentCommandRecords()
  const clusterStatus = new InMemoryClusterStatus()
  const intents = new InMemoryIntents()
  const intentQueue = new InMemoryIntentQueue()
  const providerStats = new InMemoryProviderStatsRepository()
  const audit = new InMemoryAuditLog()
  const queued: { message: ChainMessage; delaySeconds?: number }[] = []
  const commands: AgentCommandBody[] = []
  const config = loadConfig({
    REAR_ROLE: options.role ?? 'node',
    PARTICIPANT_ID: 'provider-1',
    PARTICIPANT_DOMAIN: 'provider.local',
    PARTICIPANT_ENDPOINT: '127.0.0.1:30001',
    TABLE_NAME: 'in-memory',
    LIQO_CLUSTER_ID: 'liqo-provider',
    PEERING_KUBECONFIG: 'cHJvdmlkZXIta3ViZWNvbmZpZw==',
    INTENT_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
    ...options.env,
  })
  const participant = composeParticipant(config, {
    repositories: {
      flavours: store.flavourRepository,
      reservations: store.reservationRepository,
      contracts: store.contractRepository,
      peers,
      candidates,
      published,
      hops,
      agentCommands: agentRecords,
      clusterStatus,
      intents,
      providerStats,
      audit,
    },
    agentInbox,
    queues: {
      chain: { enqueue: async (message, delaySeconds) => void queued.push({ message, ...(delaySeconds === undefined ? {} : { delaySeconds }) }) },
      agent: { send: async (command) => void commands.push(command) },
      intent: intentQueue,
    },
    clock,
    ids,
    logger,
    fetch: options.fetch ?? (async (input) => Promise.reject(new Error(`no network in unit tests: ${String(input)}`))),
  })
  for (const flavour of options.flavours ?? []) await publishFlavour(store.flavourRepository, flavour)
  const app = createApp(participant.app)
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> => {
    const init: RequestInit = body === undefined ? { method, headers } : { method, headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }
    const res = await app.request(path, init)
    const text = await res.text()
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = undefined
    }
    return { status: res.status, headers: res.headers, text, body: parsed }
  }
  return { app, request, config, participant, clock, ids, logger, store, peers, candidates, published, hops, queued, commands, agentInbox, agentRecords, clusterStatus, intents, intentQueue, providerStats, audit }
}

export type InMemoryParticipant = Awaited<ReturnType<typeof createInMemoryParticipant>>
