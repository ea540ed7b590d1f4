import type { Clock, IdGenerator, Logger } from '../core/shared/ports.ts'
import { systemClock } from '../core/shared/system-clock.ts'
import { randomIds } from '../core/shared/random-ids.ts'
import type { NodeIdentity } from '../core/flavours/model.ts'
import type { SweepDeps } from '../core/reservations/release-expired-holds.ts'
import type { DiscoveryDeps } from '../core/discovery/search-flavours.ts'
import { relayedFlavours } from '../core/discovery/search-flavours.ts'
import type { PublishDeps } from '../core/discovery/publish-to-aggregators.ts'
import type { AcceptPublicationDeps } from '../core/discovery/accept-publication.ts'
import type { RemoteFlavourRepository } from '../core/discovery/ports.ts'
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

export interface Runtime {
  table: TableContext
  clock?: Clock
  ids?: IdGenerator
  logger?: Logger
  fetch?: typeof fetch
  sqs?: SqsConfig
}

export interface Participant {
  self: NodeIdentity
  app: AppDeps
  sweep: SweepDeps & { remote: RemoteFlavourRepository[] }
  discovery: DiscoveryDeps
  publish: PublishDeps
  chain: ChainDeps
}

/** Wires one participant: adapters on its table, injected clock and ids, use-case dependencies by role. */
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
  const flavours = new DynamoFlavourRepository(runtime.table)
  const reservations = new DynamoReservationRepository(runtime.table)
  const contracts = new DynamoContractRepository(runtime.table)
  const peers = new DynamoPeerRepository(runtime.table)
  const candidates = new DynamoRemoteFlavourRepository(runtime.table, 'CAND')
  const published = new DynamoRemoteFlavourRepository(runtime.table, 'PUB')
  const gateway = new HttpPeerGateway(config.id, runtime.fetch)
  const cluster = new StaticCluster({ clusterId: config.liqoClusterId, kubeconfig: config.peeringKubeconfig })
  const aggregator = config.role !== 'node'
  const discovery: DiscoveryDeps = {
    self: { id: config.id, role: config.role },
    flavours,
    ...(aggregator ? { published } : {}),
    candidates,
    peers,
    gateway,
    clock,
    logger,
    settings: { peerTimeoutMs: config.peerTimeoutMs, hopLimit: config.hopLimit, candidateTtlMs: config.candidateTtlMs },
  }
  const publication: AcceptPublicationDeps = { published, peers, clock, logger, publicationTtlMs: config.publicationTtlMs }
  const reserve = { flavours, reservations, clock, ids, logger, transactionTtlMs: config.transactionTtlMs }
  const purchase = { ...reserve, contracts, cluster, self, contractTtlMs: config.contractTtlMs }
  const sqs = lazySqsSend(runtime.sqs ?? (config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}))
  const transport = new HttpChainTransport(config.id, config.peerTimeoutMs * 2, runtime.fetch)
  const chain: ChainDeps = {
    self,
    hops: new DynamoHopRepository(runtime.table),
    peers,
    transport,
    queue: new SqsChainQueue(sqs, config.chainQueueUrl),
    goProviders: transport,
    agent: new SqsAgentCommands(sqs, config.agentQueueUrl),
    reserve,
    purchase,
    clock,
    ids,
    logger,
    settings: { hopTimeoutSeconds: config.hopTimeoutSeconds },
  }
  const app: AppDeps = {
    role: config.role,
    participantId: config.id,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    provider: {
      flavours,
      reserve,
      purchase,
      ...(aggregator ? { list: (selector, correlationId) => relayedFlavours(discovery, selector, correlationId) } : {}),
    },
    admin: { self, clock, flavours, reservations, contracts },
    peers: { selfId: config.id, peers },
    discovery,
    ...(aggregator ? { publication } : {}),
    chain: { ...chain, candidates },
    adminAuth: adminToken(config.adminToken),
  }
  return {
    self,
    app,
    discovery,
    sweep: { reservations, clock, logger, remote: aggregator ? [candidates, published] : [candidates] },
    chain,
    publish: { self: { id: config.id, domain: config.domain }, flavours, peers, publications: gateway, clock, logger, timeoutMs: config.peerTimeoutMs },
  }
}
