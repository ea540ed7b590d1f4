import type { Clock, IdGenerator, Logger } from '../core/shared/ports.ts'
import type { IndexDeps, IndexSnapshots } from '../core/catalog/indexed-listing.ts'
import { WarmIndex } from '../core/catalog/indexed-listing.ts'
import { indexedListing } from './http/flavour-listing.ts'
import type { ListingName, S3Config } from './listing-index.ts'
import { listingDeps, localListings } from './listing-index.ts'
import { systemClock } from '../core/shared/system-clock.ts'
import { randomIds } from '../core/shared/random-ids.ts'
import type { NodeIdentity } from '../core/flavours/model.ts'
import type { SweepDeps } from '../core/reservations/release-expired-holds.ts'
import type { DiscoveryDeps } from '../core/discovery/search-flavours.ts'
import { relayedFlavours } from '../core/discovery/search-flavours.ts'
import type { PublishDeps } from '../core/discovery/publish-to-aggregators.ts'
import type { AcceptPublicationDeps } from '../core/discovery/accept-publication.ts'
import type { PublishedFlavourRepository, RemoteFlavourRepository } from '../core/discovery/ports.ts'
import type { FlavourRepository } from '../core/flavours/ports.ts'
import type { ReservationRepository } from '../core/reservations/ports.ts'
import type { ContractRepository } from '../core/contracts/ports.ts'
import type { PeerRepository } from '../core/peers/ports.ts'
import type { AgentCommands, ChainQueue, HopRepository } from '../core/chain/ports.ts'
import type { TableContext } from '../adapters/dynamo/document-client.ts'
import { DynamoFlavourRepository } from '../adapters/dynamo/dynamo-flavour-repository.ts'
import { DynamoReservationRepository } from '../adapters/dynamo/dynamo-reservation-repository.ts'
import { DynamoContractRepository } from '../adapters/dynamo/dynamo-contract-repository.ts'
import { DynamoPeerRepository } from '../adapters/dynamo/dynamo-peer-repository.ts'
import { DynamoRemoteFlavourRepository } from '../adapters/dynamo/dynamo-remote-flavour-repository.ts'
import { HttpPeerGateway } from '../adapters/http/http-peer-gateway.ts'
import { StaticCluster } from '../adapters/cluster/static-cluster.ts'
import { JsonLogger } from '../adapters/logging/json-logger.ts'
import type { ChainDeps } from '../core/chain/chain-deps.ts'
import { DynamoHopRepository } from '../adapters/dynamo/dynamo-hop-repository.ts'
import { HttpChainTransport } from '../adapters/http/http-chain-transport.ts'
import type { SqsConfig } from '../adapters/sqs/sqs-options.ts'
import { lazySqsSend } from '../adapters/sqs/lazy-sqs-send.ts'
import { SqsAgentCommands, SqsChainQueue } from '../adapters/sqs/sqs-chain-queue.ts'
import type { ParticipantConfig } from './config.ts'
import type { AppDeps } from './http/create-app.ts'
import { adminToken } from './http/middleware.ts'
import { useCaseDeps } from './use-case-deps.ts'
import type { AgentCommandRepository, AgentInbox } from '../core/agent/ports.ts'
import { PROGRESS_EXTENSION_SECONDS } from '../core/agent/agent-commands.ts'
import { DynamoAgentCommandRepository } from '../adapters/dynamo/dynamo-agent-command-repository.ts'
import { DynamoClusterStatusRepository } from '../adapters/dynamo/dynamo-cluster-status-repository.ts'
import { DynamoIntentRepository } from '../adapters/dynamo/dynamo-intent-repository.ts'
import { DynamoRateLimiter } from '../adapters/dynamo/dynamo-rate-limiter.ts'
import { DynamoProviderStatsRepository } from '../adapters/dynamo/dynamo-provider-stats-repository.ts'
import { SqsIntentQueue } from '../adapters/sqs/sqs-intent-queue.ts'
import { SignedCallbackSender, StandardWebhookVerifier } from '../adapters/webhooks/standard-webhooks.ts'
import type { IntentDeps } from '../core/intents/intent-deps.ts'
import type { IntentQueue, IntentRepository } from '../core/intents/ports.ts'
import type { CallbackSender, WebhookVerifier } from '../core/intents/webhook.ts'
import type { ProviderStatsRepository } from '../core/providers/ports.ts'
import { UnauthorizedError, ValidationError } from '../core/shared/errors.ts'
import type { ClusterStatusRepository } from '../core/cluster/ports.ts'
import { SqsAgentInbox } from '../adapters/sqs/sqs-agent-inbox.ts'
import { agentToken } from './http/agent-routes.ts'
import type { KeyRing, NonceStore, RequestSigner } from '../core/security/ports.ts'
import { keyIdOf } from '../core/security/keys.ts'
import { registryKeys } from '../core/security/resolve-keys.ts'
import { HttpMessageSigner, HttpMessageVerifier } from '../adapters/security/http-signatures.ts'
import { InMemoryNonceStore } from '../adapters/security/in-memory-nonce-store.ts'
import { DynamoNonceStore } from '../adapters/dynamo/dynamo-nonce-store.ts'
import { agentSignatureAndToken, signatureAuth } from './http/signature-auth.ts'
import { JweSealer } from '../adapters/security/jwe-sealer.ts'
import { registrySealRecipients } from '../core/security/sealing-recipients.ts'
import type { CredentialSealing } from '../core/contracts/sealed-credentials.ts'
import type { PurchaseDeps } from '../core/contracts/purchase-flavour.ts'
import type { ReserveDeps } from '../core/reservations/reserve-flavour.ts'
import type { AuthMiddleware } from './http/middleware.ts'
import { DynamoAuditLog } from '../adapters/dynamo/dynamo-audit-log.ts'
import { DynamoRelayVisits } from '../adapters/dynamo/dynamo-relay-visits.ts'
import { InMemoryRelayVisits } from '../core/discovery/relay-visits.ts'
import type { AuditLog } from '../core/security/audit.ts'
import type { AgentDeps } from './http/agent-routes.ts'

/** The participant's storage ports: DynamoDB repositories on its table, or in-memory fakes in unit tests. */
export interface Repositories {
  flavours: FlavourRepository
  reservations: ReservationRepository
  contracts: ContractRepository
  peers: PeerRepository
  candidates: RemoteFlavourRepository
  published: PublishedFlavourRepository
  hops: HopRepository
  /** Outcomes of the agent's commands; without it (and an agent queue) the agent API is not served. */
  agentCommands?: AgentCommandRepository
  /** The agent's latest cluster report, behind the Liqo readiness gate. */
  clusterStatus?: ClusterStatusRepository
  /** Nodes: the intents platforms submit, and what is measured and rated of providers. */
  intents?: IntentRepository
  providerStats?: ProviderStatsRepository
  /** The audit trail of state-changing calls (`AUDIT#<day>`); without it none is kept. */
  audit?: AuditLog
}

/** What a participant runs on: its table (or ready-made repositories) and optional injected services. */
export type Runtime = RuntimeServices & ({ table: TableContext; repositories?: never } | { repositories: Repositories; table?: never })

export interface RuntimeServices {
  clock?: Clock
  ids?: IdGenerator
  logger?: Logger
  fetch?: typeof fetch
  sqs?: SqsConfig
  /** Replace the SQS chain and agent queues (unit tests record what is queued instead). */
  queues?: { chain: ChainQueue; agent: AgentCommands; intent?: IntentQueue }
  /** Replace the SQS agent queue the agent API reads (unit tests). */
  agentInbox?: AgentInbox
  /** Where seen signature nonces are kept; by default on the participant's table (in memory with given repositories). */
  nonces?: NonceStore
  /** Where the listing index's snapshots are reached (the emulator in local mode and tests). */
  s3?: S3Config
  /** Replace the listing indexes' snapshot stores (the benchmark hands a catalog a prepared snapshot). */
  indexSnapshots?: Partial<Record<ListingName, IndexSnapshots>>
}

/** Every repository on one participant table, the single-table layout of docs/architecture.md. */
export function dynamoRepositories(table: TableContext): Repositories {
  return {
    flavours: new DynamoFlavourRepository(table),
    reservations: new DynamoReservationRepository(table),
    contracts: new DynamoContractRepository(table),
    peers: new DynamoPeerRepository(table),
    candidates: new DynamoRemoteFlavourRepository(table, 'CAND'),
    published: new DynamoRemoteFlavourRepository(table, 'PUB'),
    hops: new DynamoHopRepository(table),
    agentCommands: new DynamoAgentCommandRepository(table),
    clusterStatus: new DynamoClusterStatusRepository(table),
    intents: new DynamoIntentRepository(table),
    providerStats: new DynamoProviderStatsRepository(table),
    audit: new DynamoAuditLog(table),
  }
}

export interface Participant {
  self: NodeIdentity
  app: AppDeps
  sweep: SweepDeps & { remote: RemoteFlavourRepository[]; chain: ChainDeps; intents?: IntentDeps }
  discovery: DiscoveryDeps
  publish: PublishDeps
  chain: ChainDeps
  /** Nodes: the intent API and the orchestrator its queue messages drive. */
  intents?: IntentDeps
  /** Its signing keys, whose public half `GET /.well-known/rear-keys` serves (`keyRoutes`). */
  keys?: KeyRing
  /** On DynamoDB: what its listing indexes (a node's own flavours, an aggregator's publications) and the index compactor run on. */
  listingIndexes: IndexDeps[]
}

/** Wires one participant: repositories on its table (or given), injected clock and ids, use-case dependencies by role. */
export function composeParticipant(config: ParticipantConfig, runtime: Runtime): Participant {
  const clock = runtime.clock ?? systemClock
  const ids = runtime.ids ?? randomIds
  const logger = runtime.logger ?? new JsonLogger({ participant: config.id, role: config.role })
  const self: NodeIdentity = {
    id: config.id,
    ip: config.endpoint,
    domain: config.domain,
    ...(config.liqoClusterId ? { liqoId: config.liqoClusterId } : {}),
  }
  /** The table with the participant's clock, which stamps the listing change log. */
  const clockedTable = runtime.table ? { ...runtime.table, clock } : undefined
  const { flavours, reservations, contracts, peers, candidates, published, hops, agentCommands, clusterStatus, intents, providerStats, audit } =
    runtime.repositories ?? dynamoRepositories(clockedTable!)
  const signer = requestSigner(config, clock, logger)
  const gateway = new HttpPeerGateway(config.id, runtime.fetch, signer)
  const cluster = new StaticCluster({ clusterId: config.liqoClusterId, kubeconfig: config.peeringKubeconfig })
  const aggregator = config.role !== 'node'
  const listingServices = { clock, logger, ...(runtime.s3 ? { s3: runtime.s3 } : {}), ...(runtime.indexSnapshots ? { snapshots: runtime.indexSnapshots } : {}) }
  const ownDeps = clockedTable ? listingDeps('own', config, clockedTable, listingServices) : undefined
  const pubDeps = clockedTable && aggregator ? listingDeps('pub', config, clockedTable, listingServices) : undefined
  const ownIndex = ownDeps ? new WarmIndex(ownDeps) : undefined
  const pubIndex = pubDeps ? new WarmIndex(pubDeps) : undefined
  const discovery: DiscoveryDeps = {
    self: { id: config.id, role: config.role },
    flavours,
    ...(aggregator ? { published } : {}),
    ...(ownIndex || pubIndex ? { listings: localListings({ ...(ownIndex ? { own: ownIndex } : {}), ...(pubIndex ? { pub: pubIndex } : {}) }) } : {}),
    candidates,
    peers,
    gateway,
    ...(aggregator ? { relays: clockedTable ? new DynamoRelayVisits(clockedTable) : new InMemoryRelayVisits() } : {}),
    clock,
    logger,
    settings: { peerTimeoutMs: config.peerTimeoutMs, hopLimit: config.hopLimit, candidateTtlMs: config.candidateTtlMs },
  }
  const publication: AcceptPublicationDeps = { published, peers, clock, logger, publicationTtlMs: config.publicationTtlMs }
  const sealing = credentialSealing(config, peers)
  const { reserve, purchase } = withSealing(sealing, useCaseDeps({
    self,
    flavours,
    reservations,
    contracts,
    cluster,
    clock,
    ids,
    logger,
    transactionTtlMs: config.transactionTtlMs,
    contractTtlMs: config.contractTtlMs,
    maxHoldsPerBuyer: config.maxHoldsPerBuyer,
  }))
  const queues: { chain: ChainQueue; agent: AgentCommands; intent?: IntentQueue } = runtime.queues ?? sqsQueues(config, runtime.sqs)
  const transport = new HttpChainTransport(config.id, config.peerTimeoutMs * 2, runtime.fetch, signer)
  const chain: ChainDeps = {
    self,
    ...(config.publicUrl ? { selfUrl: config.publicUrl } : {}),
    learnt: aggregator ? [candidates, published] : [candidates],
    hops,
    peers,
    transport,
    queue: queues.chain,
    goProviders: transport,
    agent: queues.agent,
    reserve,
    purchase,
    clock,
    ids,
    logger,
    settings: { hopTimeoutSeconds: config.hopTimeoutSeconds },
  }
  const intentDeps: IntentDeps | undefined =
    config.role === 'node' && intents && providerStats
      ? {
          self,
          intents,
          queue: queues.intent ?? new SqsIntentQueue(lazySqsSend(runtime.sqs ?? (config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {})), config.chainQueueUrl),
          callbacks: config.intentWebhookSecret ? new SignedCallbackSender(config.intentWebhookSecret, clock, runtime.fetch) : unconfigured,
          verifier: config.intentWebhookSecret ? new StandardWebhookVerifier(config.intentWebhookSecret, clock) : unconfigured,
          chain: { ...chain, candidates },
          discovery,
          providerStats,
          clock,
          ids,
          logger,
        }
      : undefined

  const auth = config.signingKeys ? signatureGuards(config, runtime, peers, clock, logger) : undefined
  const app: AppDeps = {
    role: config.role,
    participantId: config.id,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    provider: {
      flavours,
      reserve,
      purchase,
      ...(aggregator ? { list: (selector, correlationId) => relayedFlavours(discovery, selector, correlationId, config.listMaxFlavours + 1) } : {}),
      ...(ownIndex && !aggregator ? { listing: indexedListing(ownIndex, config.listMaxFlavours) } : {}),
      maxListed: config.listMaxFlavours,
    },
    admin: { self, clock, flavours, reservations, contracts, candidates, ...(aggregator ? { published } : {}) },
    peers: { selfId: config.id, peers, probe: gateway, probeTimeoutMs: config.peerTimeoutMs },
    discovery,
    ...(aggregator ? { publication } : {}),
    chain: { ...chain, candidates },
    adminAuth: adminToken(config.adminToken),
    ...(audit ? { audit: { log: audit, clock } } : {}),
    ...(auth ? { peerAuth: auth.peer } : {}),
    ...agentApi(config, runtime, agentCommands, { self, clock, flavours, ...(clusterStatus ? { clusterStatus } : {}) }, auth?.agent),
    ...(clusterStatus && config.role === 'node' ? { cluster: { status: clusterStatus, clock } } : {}),
    ...(intentDeps ? { intents: intentDeps, providerStats: { providerStats: intentDeps.providerStats } } : {}),
    ...(config.allowedHosts ? { allowedHosts: config.allowedHosts } : {}),
    ...(runtime.table && (config.rateLimits.rearPerMinute > 0 || config.rateLimits.reservationsPerMinute > 0)
      ? { rateLimiter: new DynamoRateLimiter(runtime.table, clock), rateLimits: config.rateLimits }
      : {}),
    ...(config.signingKeys ? { signingKeys: config.signingKeys } : {}),
    ...(config.sealingKeys ? { sealingKeys: config.sealingKeys } : {}),
  }
  return {
    self,
    app,
    discovery,
    sweep: { reservations, clock, logger, remote: aggregator ? [candidates, published] : [candidates], chain, ...(intentDeps ? { intents: intentDeps } : {}) },
    chain,
    ...(intentDeps ? { intents: intentDeps } : {}),
    ...(config.signingKeys ? { keys: config.signingKeys } : {}),
    listingIndexes: [ownDeps, pubDeps].filter((deps): deps is IndexDeps => deps !== undefined),
    publish: { self: { id: config.id, domain: config.domain }, flavours, peers, publications: gateway, clock, logger, timeoutMs: config.peerTimeoutMs },
  }
}

function sqsQueues(config: ParticipantConfig, sqsConfig: SqsConfig | undefined): { chain: ChainQueue; agent: AgentCommands; intent: IntentQueue } {
  const sqs = lazySqsSend(sqsConfig ?? (config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}))
  return { chain: new SqsChainQueue(sqs, config.chainQueueUrl), agent: new SqsAgentCommands(sqs, config.agentQueueUrl), intent: new SqsIntentQueue(sqs, config.chainQueueUrl) }
}

/** Without INTENT_WEBHOOK_SECRET no intent is accepted and no callback signed: each attempt says what to set. */
const unconfigured: WebhookVerifier & CallbackSender = {
  verify: () => {
    throw new UnauthorizedError('This node accepts no intents: INTENT_WEBHOOK_SECRET is not set', { code: 'WEBHOOK_NOT_CONFIGURED' })
  },
  send: async () => {
    throw new ValidationError('Callbacks cannot be signed: INTENT_WEBHOOK_SECRET is not set', { code: 'WEBHOOK_NOT_CONFIGURED' })
  },
}

/** The agent API's dependencies when the participant has an agent queue (or a given inbox) and a place for outcomes. */
function agentApi(
  config: ParticipantConfig,
  runtime: Runtime,
  records: AgentCommandRepository | undefined,
  base: Pick<AgentDeps, 'self' | 'clock' | 'flavours' | 'clusterStatus'>,
  agentSignature?: AuthMiddleware,
): Pick<AppDeps, 'agent' | 'agentAuth'> {
  const inbox =
    runtime.agentInbox ?? (config.agentQueueUrl ? new SqsAgentInbox(runtime.sqs ?? (config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}), config.agentQueueUrl) : undefined)
  if (!inbox || !records) return {}
  return { agent: { ...base, inbox, records, progressExtensionSeconds: PROGRESS_EXTENSION_SECONDS }, agentAuth: agentSignature ? agentSignatureAndToken(agentSignature, agentToken(config.agentToken)) : agentToken(config.agentToken) }
}

let warnedUnsigned = false

/** Seals credentials with `SEALING_KEYS` to recipients registered with a sealing key; undefined (credentials in clear) without them. */
function credentialSealing(config: ParticipantConfig, peers: PeerRepository): CredentialSealing | undefined {
  if (!config.sealingKeys) return undefined
  return { sealer: new JweSealer(config.id, config.sealingKeys), recipients: registrySealRecipients({ peers, directory: config.peerKeyDirectory }) }
}

/** The provider use cases with sealing: the purchase seals the peering kubeconfig, the reserve a buyer kubeconfig sent in clear. */
function withSealing(sealing: CredentialSealing | undefined, deps: { reserve: ReserveDeps; purchase: PurchaseDeps }): { reserve: ReserveDeps; purchase: PurchaseDeps } {
  if (!sealing) return deps
  return { reserve: { ...deps.reserve, sealer: sealing.sealer }, purchase: { ...deps.purchase, sealing } }
}

/** Signs with the current key of `SIGNING_KEYS`; without it calls go unsigned, as FLUIDOS does, said once per process. */
function requestSigner(config: ParticipantConfig, clock: Clock, logger: Logger): RequestSigner | undefined {
  if (config.signingKeys) return new HttpMessageSigner(keyIdOf(config.id, config.signingKeys.current), config.signingKeys.current, clock)
  if (!warnedUnsigned) logger.warn('REQUESTS_UNSIGNED', { reason: 'SIGNING_KEYS is not set: calls to peers are not signed and calls from them are not verified' })
  warnedUnsigned = true
  return undefined
}

/**
 * With keys, `/api` and `/rear` take only calls signed by a registered peer, `/agent` only those signed by
 * this participant's agent (its token too when set); unsigned ones as `signatureAuth` allows. Without
 * AGENT_PUBLIC_KEYS the agent API keeps its token alone.
 */
function signatureGuards(config: ParticipantConfig, runtime: Runtime, peers: PeerRepository, clock: Clock, logger: Logger): { peer: AuthMiddleware; agent?: AuthMiddleware } {
  const nonces = runtime.nonces ?? (runtime.table ? new DynamoNonceStore(runtime.table, () => clock.now()) : new InMemoryNonceStore(() => clock.now()))
  const keys = { peers, agentKeys: config.agentPublicKeys, selfId: config.id, directory: config.peerKeyDirectory }
  const guard = (accept: 'peer' | 'agent') =>
    signatureAuth({
      verifier: new HttpMessageVerifier({ keys: registryKeys(keys, accept), nonces, clock }),
      peers,
      localLoopback: config.localUnsignedLoopback,
      logger,
      ...(config.publicUrl ? { selfUrl: config.publicUrl } : {}),
    })
  return { peer: guard('peer'), ...(config.agentPublicKeys.length ? { agent: guard('agent') } : {}) }
}
