import { DECLARATIVE_PEERING_MARK } from '../cluster/cluster-commands.ts'
import { ConflictError, ExpiredError, NotFoundError, ValidationError } from '../shared/errors.ts'
import type { Clock, IdGenerator, Logger } from '../shared/ports.ts'
import { hotItemContentionRetry, retryOnContention } from '../shared/retry.ts'
import type { Allocation } from '../allocations/model.ts'
import type { Cluster } from '../cluster/ports.ts'
import type { Flavour, K8SliceConfiguration, K8SliceFlavour, NodeIdentity } from '../flavours/model.ts'
import { isK8Slice, isService } from '../flavours/model.ts'
import { remainderOf, resolveConfiguration } from '../flavours/partitioning.ts'
import type { FlavourRepository } from '../flavours/ports.ts'
import type { Transaction } from '../reservations/model.ts'
import type { ReservationRepository } from '../reservations/ports.ts'
import type { Contract, PurchaseRequest } from './model.ts'
import type { ContractRepository, PurchasePlan } from './ports.ts'
import type { CredentialSealing } from './sealed-credentials.ts'
import { contractForBuyer, sealedForStorage } from './sealed-credentials.ts'

export interface PurchaseDeps {
  flavours: FlavourRepository
  reservations: ReservationRepository
  contracts: ContractRepository
  cluster: Cluster
  clock: Clock
  ids: IdGenerator
  logger: Logger
  /** This provider, the contracts' seller. */
  self: NodeIdentity
  /** Contract lifetime in milliseconds (the Go node's is 365 days). */
  contractTtlMs: number
  /** Seals the peering kubeconfig (`SEALING_KEYS`): stored only sealed, answered sealed to a buyer with a sealing key. */
  sealing?: CredentialSealing
}

/** Ids we derive stay within the wire's 256-character id bound: the derived part is cut to leave room for prefix and suffix. */
const MAX_DERIVED = 200
const slug = (id: string) => id.replace(/[^a-zA-Z0-9-]/g, '-').toLowerCase().slice(0, MAX_DERIVED)

/** The id of a flavour that replaces `flavour` in its lineage (a remainder, or a flavour grown back). */
export const lineageFlavourId = (flavour: Flavour, self: NodeIdentity, hex: string) =>
  `${(flavour.owner.domain || self.domain).toLowerCase().slice(0, MAX_DERIVED)}-k8slice-${hex}`

async function existingContract(deps: PurchaseDeps, tx: Transaction): Promise<Contract> {
  const contract = tx.contractId ? await deps.contracts.get(tx.contractId) : undefined
  if (!contract) throw new ConflictError(`Transaction ${tx.id} is purchased but its contract is missing`, { code: 'CONTRACT_MISSING' })
  return contract
}

async function buildContract(deps: PurchaseDeps, tx: Transaction, request: PurchaseRequest, now: Date): Promise<Contract> {
  const cluster = await deps.cluster.peeringCredentials()
  const credentials = request.declarativePeering ? { clusterId: cluster.clusterId, kubeconfig: '' } : cluster
  const contract: Contract = {
    id: `contract-${slug(tx.flavourId)}-${deps.ids.hex(8)}`,
    transactionId: tx.id,
    flavour: tx.flavour,
    buyer: tx.buyer,
    buyerClusterId: tx.clusterId,
    seller: { ...deps.self, liqoId: credentials.clusterId },
    peeringTargetCredentials: credentials,
    expiresAt: new Date(now.getTime() + deps.contractTtlMs),
    ...(tx.configuration ? { configuration: tx.configuration } : {}),
    ...(request.ingressTelemetryEndpoint ? { ingressTelemetryEndpoint: request.ingressTelemetryEndpoint } : {}),
    extraInformation: { [DECLARATIVE_PEERING_MARK.key]: DECLARATIVE_PEERING_MARK.value },
    createdAt: now,
  }
  return sealedForStorage(deps.sealing, contract, request.sealFor)
}

const nodeAllocation = (deps: PurchaseDeps, contract: Contract, now: Date): Allocation => ({
  id: `allocation-${slug(contract.flavour.id)}-${deps.ids.hex(8)}`,
  type: 'Node',
  status: 'inactive',
  contractId: contract.id,
  flavourId: contract.flavour.id,
  createdAt: now,
  updatedAt: now,
})

async function k8sliceReplacement(deps: PurchaseDeps, tx: Transaction, now: Date): Promise<Pick<PurchasePlan, 'pool' | 'replacement'>> {
  const pool = await deps.flavours.getPool(tx.poolId)
  if (!pool) throw new ConflictError(`Capacity pool ${tx.poolId} is missing`, { code: 'POOL_MISSING' })
  const current = pool.currentFlavourId ? await deps.flavours.get(pool.currentFlavourId) : undefined
  if (!current || !isK8Slice(current.flavour)) return { pool }
  const configuration = (await resolveConfiguration(tx.flavour, tx.configuration)) as K8SliceConfiguration
  const newId = lineageFlavourId(current.flavour, deps.self, deps.ids.hex(8))
  const remainder = remainderOf(current.flavour as K8SliceFlavour, configuration, newId, now)
  return { pool, replacement: { retiredFlavourId: current.flavour.id, ...(remainder ? { remainder } : {}) } }
}

async function attempt(deps: PurchaseDeps, transactionId: string, request: PurchaseRequest): Promise<Contract> {
  const tx = await deps.reservations.getTransaction(transactionId)
  if (!tx) throw new NotFoundError('Transaction', transactionId)
  if (tx.status === 'purchased') return existingContract(deps, tx)
  const now = deps.clock.now()
  if (tx.status === 'expired' || (tx.status === 'reserved' && tx.expiresAt <= now)) {
    if (tx.status === 'reserved' && (await deps.reservations.releaseHold(tx, 'expired', now))) {
      deps.logger.info('RESERVATION_EXPIRED', { transactionId: tx.id, flavourId: tx.flavourId })
    }
    throw new ExpiredError(`Transaction ${tx.id} expired at ${tx.expiresAt.toISOString()}`, { code: 'TRANSACTION_EXPIRED' })
  }
  if (tx.status === 'released') throw new ConflictError(`Transaction ${tx.id} was released`, { code: 'TRANSACTION_RELEASED' })
  if (isService(tx.flavour) && !request.liqoCredentials) {
    throw new ValidationError('liqoCredentials are required to purchase a service flavour', { code: 'LIQO_CREDENTIALS_REQUIRED' })
  }
  const contract = await buildContract(deps, tx, request, now)
  const plan: PurchasePlan = {
    transaction: tx,
    contract,
    allocation: nodeAllocation(deps, contract, now),
    ...(isK8Slice(tx.flavour) ? await k8sliceReplacement(deps, tx, now) : {}),
  }
  await deps.contracts.commitPurchase(plan)
  deps.logger.info('CONTRACT_PURCHASED', {
    transactionId: tx.id,
    contractId: contract.id,
    flavourId: tx.flavourId,
    remainderFlavourId: plan.replacement?.remainder?.id,
  })
  return contract
}

/**
 * PURCHASE_FLAVOUR (provider side). In one commit: the contract, the flavour replaced by its reduced
 * remainder, and an inactive Node allocation. Idempotent per transaction: purchasing again returns
 * the same contract. 404 unknown transaction; 408 once expired (and the hold is released). The
 * peering kubeconfig is stored only sealed, and answered sealed to a signed buyer with a sealing key.
 */
export async function purchaseFlavour(deps: PurchaseDeps, transactionId: string, request: PurchaseRequest): Promise<Contract> {
  const contract = await retryOnContention(deps.clock, () => attempt(deps, transactionId, request), hotItemContentionRetry)
  return contractForBuyer(deps.sealing, contract, request.sealFor, deps.logger)
}
