import type { Clock, IdGenerator, Logger } from '../core/shared/ports.ts'
import { systemClock } from '../core/shared/system-clock.ts'
import { randomIds } from '../core/shared/random-ids.ts'
import type { NodeIdentity } from '../core/flavours/model.ts'
import type { SweepDeps } from '../core/reservations/release-expired-holds.ts'
import type { TableContext } from '../adapters/dynamo/document-client.ts'
import { DynamoFlavourRepository } from '../adapters/dynamo/dynamo-flavour-repository.ts'
import { DynamoReservationRepository } from '../adapters/dynamo/dynamo-reservation-repository.ts'
import { DynamoContractRepository } from '../adapters/dynamo/dynamo-contract-repository.ts'
import { StaticCluster } from '../adapters/cluster/static-cluster.ts'
import { JsonLogger } from '../adapters/logging/json-logger.ts'
import type { ParticipantConfig } from './config.ts'
import type { AppDeps } from './http/create-app.ts'
import { adminToken } from './http/middleware.ts'

export interface Runtime {
  table: TableContext
  clock?: Clock
  ids?: IdGenerator
  logger?: Logger
}

export interface Participant {
  self: NodeIdentity
  app: AppDeps
  sweep: SweepDeps
}

/** Wires one participant: adapters on its table, injected clock and ids, use-case dependencies. */
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
  const cluster = new StaticCluster({ clusterId: config.liqoClusterId, kubeconfig: config.peeringKubeconfig })
  const reserve = { flavours, reservations, clock, ids, logger, transactionTtlMs: config.transactionTtlMs }
  const app: AppDeps = {
    role: config.role,
    participantId: config.id,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    provider: {
      flavours,
      reserve,
      purchase: { ...reserve, contracts, cluster, self, contractTtlMs: config.contractTtlMs },
    },
    admin: { self, clock, flavours, reservations, contracts },
    adminAuth: adminToken(config.adminToken),
  }
  return { self, app, sweep: { reservations, clock, logger } }
}
