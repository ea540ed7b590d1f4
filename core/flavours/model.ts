import type { Quantity } from '../quantity/quantity.ts'
import type { ResourceAmounts } from '../quantity/units.ts'

/** Every flavour type REAR names. Only `k8slice` and `service` are supported; `vm` and `sensor` are recognised. */
export const FLAVOUR_TYPES = ['k8slice', 'service', 'vm', 'sensor'] as const
export type FlavourType = (typeof FLAVOUR_TYPES)[number]
export const SUPPORTED_FLAVOUR_TYPES = ['k8slice', 'service'] as const
export type SupportedFlavourType = (typeof SUPPORTED_FLAVOUR_TYPES)[number]

export const isSupportedFlavourType = (type: string): type is SupportedFlavourType =>
  (SUPPORTED_FLAVOUR_TYPES as readonly string[]).includes(type)

/** A REAR participant's identity as carried in flavours, reservations and contracts. */
export interface NodeIdentity {
  id: string
  /** `host:port` of the participant's REAR endpoint, as the Go node writes it. */
  ip: string
  domain: string
  liqoId?: string
}

/** Price of a flavour. Free-form strings, as in FLUIDOS; pay-per-use metering reads them. */
export interface Price {
  amount: string
  currency: string
  period: string
}

export interface Location {
  latitude?: string
  longitude?: string
  country?: string
  city?: string
  additionalNotes?: string
}

export interface Gpu {
  model: string
  cores: Quantity
  memory: Quantity
}

export interface K8SliceCharacteristics {
  architecture: string
  cpu: Quantity
  memory: Quantity
  pods: Quantity
  gpu?: Gpu
  storage?: Quantity
}

/** How a K8Slice may be cut: each resource sold must be `min + k * step` (a zero step allows any size). */
export interface Partitionability {
  cpuMin: Quantity
  memoryMin: Quantity
  podsMin: Quantity
  cpuStep: Quantity
  memoryStep: Quantity
  podsStep: Quantity
  gpuMin?: Quantity
  gpuStep?: Quantity
}

export interface CarbonFootprint {
  embodied: number
  operational: number[]
}

/** Descriptive properties; network authorisations and additional properties are carried opaquely. */
export interface K8SliceProperties {
  latency?: number
  securityStandards?: string[]
  carbonFootprint?: CarbonFootprint
  networkAuthorizations?: unknown
  additionalProperties?: Record<string, unknown>
}

export interface K8SliceSpec {
  type: 'k8slice'
  characteristics: K8SliceCharacteristics
  properties: K8SliceProperties
  partitionability: Partitionability
}

export const HOSTING_POLICIES = ['Provider', 'Consumer', 'Shared'] as const
export type HostingPolicy = (typeof HOSTING_POLICIES)[number]

export interface ServiceSpec {
  type: 'service'
  name: string
  description: string
  category: string
  tags: string[]
  hostingPolicies: HostingPolicy[]
  /** A JSON Schema the buyer's `configurationData` must satisfy. */
  configurationTemplate: unknown
}

export type FlavourSpec = K8SliceSpec | ServiceSpec

/** An advertised offer of resources or a service. */
export interface Flavour {
  id: string
  providerId: string
  spec: FlavourSpec
  networkPropertyType?: string
  createdAt: Date
  location?: Location
  price: Price
  owner: NodeIdentity
  available: boolean
}

export type K8SliceFlavour = Flavour & { spec: K8SliceSpec }
export type ServiceFlavour = Flavour & { spec: ServiceSpec }

export const isK8Slice = (flavour: Flavour): flavour is K8SliceFlavour => flavour.spec.type === 'k8slice'
export const isService = (flavour: Flavour): flavour is ServiceFlavour => flavour.spec.type === 'service'

/** What a buyer asks for out of a K8Slice flavour. */
export interface K8SliceConfiguration {
  type: 'k8slice'
  cpu: Quantity
  memory: Quantity
  pods: Quantity
  gpu?: Gpu
  storage?: Quantity
}

export interface ServiceConfiguration {
  type: 'service'
  hostingPolicy?: HostingPolicy
  configurationData: unknown
}

export type Configuration = K8SliceConfiguration | ServiceConfiguration

/**
 * The capacity ledger behind a lineage of flavours. Purchases replace the advertised flavour by its
 * remainder but keep the pool, so holds taken on an earlier flavour of the lineage stay valid.
 * Invariant: `free` = capacity of the current flavour − Σ live holds, never negative.
 */
export interface CapacityPool {
  id: string
  currentFlavourId: string | undefined
  free: ResourceAmounts
  version: number
}

/** An advertised flavour with the pool its capacity is counted on. */
export interface StoredFlavour {
  flavour: Flavour
  poolId: string
  /** Replaced by its remainder after a purchase: no longer listed, but it still leads to its pool. */
  retired?: boolean
}
