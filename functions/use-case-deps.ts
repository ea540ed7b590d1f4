import type { Cluster } from '../core/cluster/ports.ts'
import type { PurchaseDeps } from '../core/contracts/purchase-flavour.ts'
import type { ContractRepository } from '../core/contracts/ports.ts'
import type { NodeIdentity } from '../core/flavours/model.ts'
import type { FlavourRepository } from '../core/flavours/ports.ts'
import type { ReserveDeps } from '../core/reservations/reserve-flavour.ts'
import type { ReservationRepository } from '../core/reservations/ports.ts'
import type { Clock, IdGenerator, Logger } from '../core/shared/ports.ts'

export interface UseCaseDepsInput {
  self: NodeIdentity
  flavours: FlavourRepository
  reservations: ReservationRepository
  contracts: ContractRepository
  cluster: Cluster
  clock: Clock
  ids: IdGenerator
  logger: Logger
  transactionTtlMs: number
  contractTtlMs: number
}

/** The provider's reserve and purchase dependencies, built once so the REST API and the chain's provider hop share them. */
export function useCaseDeps(input: UseCaseDepsInput): { reserve: ReserveDeps; purchase: PurchaseDeps } {
  const { self, flavours, reservations, contracts, cluster, clock, ids, logger, transactionTtlMs, contractTtlMs } = input
  const reserve: ReserveDeps = { flavours, reservations, clock, ids, logger, transactionTtlMs }
  const purchase: PurchaseDeps = { ...reserve, contracts, cluster, self, contractTtlMs }
  return { reserve, purchase }
}
