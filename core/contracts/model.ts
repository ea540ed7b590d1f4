import type { Configuration, Flavour, NodeIdentity } from '../flavours/model.ts'

export interface LiqoCredentials {
  clusterId: string
  kubeconfig: string
}

export interface TelemetryEndpoint {
  endpoint: string
  intents: string[]
}

/**
 * What PURCHASE_FLAVOUR asks of the provider beyond the transaction id (`{}` for a K8Slice), kept apart
 * from its wire form so the use case never depends on it.
 */
export interface PurchaseRequest {
  /**
   * The buyer peers declaratively through its agent (a chain purchase): the contract names this
   * cluster but carries no kubeconfig, so no credential crosses domains or passes through relays.
   */
  declarativePeering?: boolean
  liqoCredentials?: LiqoCredentials
  ingressTelemetryEndpoint?: TelemetryEndpoint
  /**
   * The signed buyer (never a body field): the kubeconfig is sealed to its sealing key when it has one,
   * and answered in clear otherwise (an unsigned FLUIDOS Go buyer).
   */
  sealFor?: string
}

/** The agreement a purchase creates; one per transaction. */
export interface Contract {
  id: string
  transactionId: string
  flavour: Flavour
  buyer: NodeIdentity
  buyerClusterId: string
  seller: NodeIdentity
  /** The provider's credentials the buyer peers with (sensitive): with sealing keys, the kubeconfig is a compact JWE. */
  peeringTargetCredentials: LiqoCredentials
  expiresAt: Date
  configuration?: Configuration
  ingressTelemetryEndpoint?: TelemetryEndpoint
  extraInformation?: Record<string, string>
  createdAt: Date
  /** rear-cloud's own bookkeeping, never on the wire: `released` once the chain is torn down. */
  status?: 'active' | 'released'
  releasedAt?: Date
}
