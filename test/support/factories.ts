import { Quantity } from '../../core/quantity/quantity.ts'
import type { K8SliceFlavour, NodeIdentity, Partitionability, ServiceFlavour } from '../../core/flavours/model.ts'
import type { ReserveRequest, Transaction } from '../../core/reservations/model.ts'
import type { Contract } from '../../core/contracts/model.ts'
import type { Peer } from '../../core/peers/model.ts'
import { capacityOf, demandOf } from '../../core/flavours/partitioning.ts'
import type { CapacityPool, Flavour, K8SliceConfiguration } from '../../core/flavours/model.ts'
import type { Allocation } from '../../core/allocations/model.ts'
import type { RemoteFlavour } from '../../core/discovery/model.ts'
import type { ChainMessage, Hop, OriginHop, OutboxEntry, RelayHop } from '../../core/chain/model.ts'

const q = (text: string) => Quantity.parse(text)

export const aProvider = (overrides: Partial<NodeIdentity> = {}): NodeIdentity => ({
  id: 'provider-1',
  ip: '127.0.0.1:30001',
  domain: 'provider.local',
  ...overrides,
})

export const aBuyer = (overrides: Partial<NodeIdentity> = {}): NodeIdentity => ({
  id: 'consumer-1',
  ip: '127.0.0.1:30000',
  domain: 'consumer.local',
  liqoId: 'liqo-consumer-1',
  ...overrides,
})

export const aPartitionability = (overrides: Partial<Record<keyof Partitionability, string>> = {}): Partitionability => {
  const texts = { cpuMin: '1', memoryMin: '1Gi', podsMin: '1', cpuStep: '1', memoryStep: '512Mi', podsStep: '1', ...overrides }
  return Object.fromEntries(Object.entries(texts).map(([k, v]) => [k, q(v)])) as unknown as Partitionability
}

interface K8SliceOverrides {
  id?: string
  cpu?: string
  memory?: string
  pods?: string
  architecture?: string
  storage?: string
  gpu?: { model: string; cores: string; memory: string }
  partitionability?: Partitionability
  available?: boolean
  owner?: NodeIdentity
  price?: { amount: string; currency: string; period: string }
}

export function aK8SliceFlavour(overrides: K8SliceOverrides = {}): K8SliceFlavour {
  const owner = overrides.owner ?? aProvider()
  return {
    id: overrides.id ?? 'provider.local-k8slice-0001',
    providerId: owner.id,
    spec: {
      type: 'k8slice',
      characteristics: {
        architecture: overrides.architecture ?? 'amd64',
        cpu: q(overrides.cpu ?? '8'),
        memory: q(overrides.memory ?? '16Gi'),
        pods: q(overrides.pods ?? '110'),
        ...(overrides.storage ? { storage: q(overrides.storage) } : {}),
        ...(overrides.gpu ? { gpu: { model: overrides.gpu.model, cores: q(overrides.gpu.cores), memory: q(overrides.gpu.memory) } } : {}),
      },
      properties: {},
      partitionability: overrides.partitionability ?? aPartitionability({ podsMin: '1', podsStep: '1' }),
    },
    networkPropertyType: 'networkProperty',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    location: { country: 'Italy', city: 'Turin' },
    price: overrides.price ?? { amount: '0.04', currency: 'EUR', period: 'hourly' },
    owner,
    available: overrides.available ?? true,
  }
}

export function aServiceFlavour(overrides: { id?: string; category?: string; tags?: string[] } = {}): ServiceFlavour {
  return {
    id: overrides.id ?? 'provider.local-service-0001',
    providerId: 'provider-1',
    spec: {
      type: 'service',
      name: 'db',
      description: 'A MySQL database',
      category: overrides.category ?? 'database',
      tags: overrides.tags ?? ['database', 'mysql'],
      hostingPolicies: ['Provider', 'Consumer'],
      configurationTemplate: {
        type: 'object',
        properties: { username: { type: 'string' }, password: { type: 'string' }, database: { type: 'string' } },
        required: ['username', 'password', 'database'],
      },
    },
    createdAt: new Date('2026-01-01T00:00:00Z'),
    price: { amount: '10', currency: 'EUR', period: 'monthly' },
    owner: aProvider(),
    available: true,
  }
}

export function aReserveRequest(overrides: Partial<ReserveRequest> & { cpu?: string; memory?: string; pods?: string } = {}): ReserveRequest {
  const { cpu, memory, pods, ...rest } = overrides
  return {
    flavourId: 'provider.local-k8slice-0001',
    buyer: aBuyer(),
    configuration: { type: 'k8slice', cpu: q(cpu ?? '2'), memory: q(memory ?? '4Gi'), pods: q(pods ?? '10') },
    ...rest,
  }
}

/** A reserved transaction as reserve-flavour makes it: 2 CPUs, 4 GiB, 10 pods of {@link aK8SliceFlavour}, held for an hour. */
export function aTransaction(overrides: Partial<Transaction> = {}): Transaction {
  const flavour = overrides.flavour ?? aK8SliceFlavour()
  const buyer = overrides.buyer ?? aBuyer()
  const configuration =
    'configuration' in overrides ? overrides.configuration : { type: 'k8slice' as const, cpu: q('2'), memory: q('4Gi'), pods: q('10') }
  return {
    id: 'tx-0001',
    flavourId: flavour.id,
    poolId: flavour.id,
    buyer,
    reservationKey: buyer.id,
    clusterId: buyer.liqoId ?? '',
    ...(configuration ? { configuration } : {}),
    hold: configuration ? demandOf(configuration) : capacityOf(flavour),
    flavour,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    expiresAt: new Date('2026-01-01T01:00:00Z'),
    status: 'reserved',
    version: 0,
    ...overrides,
  }
}

/** The contract purchasing {@link aTransaction} makes, sold by {@link aProvider}. */
export function aContract(overrides: Partial<Contract> = {}): Contract {
  const tx = aTransaction()
  return {
    id: 'contract-provider-local-k8slice-0001-00000001',
    transactionId: tx.id,
    flavour: tx.flavour,
    buyer: tx.buyer,
    buyerClusterId: tx.clusterId,
    seller: aProvider({ liqoId: 'liqo-provider' }),
    peeringTargetCredentials: { clusterId: 'liqo-provider', kubeconfig: 'cHJvdmlkZXI=' },
    expiresAt: new Date('2027-01-01T00:00:00Z'),
    ...(tx.configuration ? { configuration: tx.configuration } : {}),
    createdAt: new Date('2026-01-01T00:10:00Z'),
    ...overrides,
  }
}

/** A registered peer: by default {@link aProvider}'s node, reached at `http://<id>.test`. */
export function aPeer(overrides: Partial<Peer> = {}): Peer {
  const id = overrides.id ?? 'provider-1'
  return { id, domain: 'provider.local', role: 'node', baseUrl: `http://${id}.test`, protocol: 'rear-cloud', ...overrides }
}

/** The capacity pool publishing `flavour` opens: its whole capacity free, the flavour its current one. */
export function aCapacityPool(flavour: Flavour = aK8SliceFlavour(), overrides: Partial<CapacityPool> = {}): CapacityPool {
  return { id: flavour.id, currentFlavourId: flavour.id, free: capacityOf(flavour), version: 0, ...overrides }
}

/** A K8Slice configuration: 2 CPUs, 4 GiB and 10 pods unless told otherwise. */
export function aK8SliceConfiguration(sizes: { cpu?: string; memory?: string; pods?: string } = {}): K8SliceConfiguration {
  return { type: 'k8slice', cpu: q(sizes.cpu ?? '2'), memory: q(sizes.memory ?? '4Gi'), pods: q(sizes.pods ?? '10') }
}

/** The inactive Node allocation purchasing {@link aTransaction} makes alongside {@link aContract}. */
export function anAllocation(overrides: Partial<Allocation> = {}): Allocation {
  const contract = aContract()
  return {
    id: 'allocation-provider-local-k8slice-0001-00000001',
    type: 'Node',
    status: 'inactive',
    contractId: contract.id,
    flavourId: contract.flavour.id,
    createdAt: contract.createdAt,
    updatedAt: contract.createdAt,
    ...overrides,
  }
}

/** A Peering Candidate of {@link aK8SliceFlavour}, reached straight at its provider and fresh for three minutes. */
export function aRemoteFlavour(overrides: Partial<RemoteFlavour> = {}): RemoteFlavour {
  const flavour = overrides.flavour ?? aK8SliceFlavour()
  return { flavour, route: [flavour.owner.id], seenAt: new Date('2026-01-01T00:00:00Z'), expiresAt: new Date('2026-01-01T00:03:00Z'), ...overrides }
}

/** An origin hop reserving along consumer-node → consumer-supernode → provider-node. */
export function anOriginHop(overrides: Partial<OriginHop> = {}): OriginHop {
  const at = new Date('2026-01-01T00:00:00Z')
  return {
    chainId: 'chain-1',
    position: 'origin',
    route: ['consumer-node', 'consumer-supernode', 'provider-node'],
    downstream: 'consumer-supernode',
    deferPurchase: false,
    buyer: aBuyer({ id: 'consumer-node' }),
    flavourId: 'provider.local-k8slice-0001',
    providerId: 'provider-node',
    configuration: aK8SliceConfiguration(),
    state: 'reserving',
    deadline: new Date(at.getTime() + 30_000),
    timeline: [{ at, event: 'CHAIN_STARTED', detail: 'consumer-node → consumer-supernode → provider-node' }],
    outbox: [],
    createdAt: at,
    updatedAt: at,
    version: 0,
    ...overrides,
  }
}

/** The relay of {@link anOriginHop}'s chain. */
export function aRelayHop(overrides: Partial<RelayHop> = {}): RelayHop {
  const { downstream: _downstream, deferPurchase: _defer, ...origin } = anOriginHop()
  return { ...origin, position: 'relay', upstream: 'consumer-node', upstreamUrl: 'http://127.0.0.1:30000', downstream: 'provider-node', ...overrides }
}

/** An outbox entry sending `payload` of `hop`'s chain from its participant to `to`. */
export function anOutboxMessage(hop: Hop, to: string, payload: ChainMessage['payload'] = { type: 'RELEASE', reason: 'test' }): OutboxEntry {
  const from = hop.route[hop.route.indexOf(to) - 1] ?? hop.route[0]!
  return { kind: 'message', message: { id: `${hop.chainId}:${payload.type}:${from}`, chainId: hop.chainId, from, to, route: hop.route, payload, sentAt: hop.updatedAt } }
}
