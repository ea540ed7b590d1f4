import type { Contract } from '../contracts/model.ts'
import type { Configuration, Flavour } from '../flavours/model.ts'

/**
 * A rear-cloud provider's contracts carry this in `extraInformation`: its agent peers declaratively.
 * A FLUIDOS Go provider's do not (it ships a kubeconfig instead, reference §12.3).
 */
export const DECLARATIVE_PEERING_MARK = { key: 'peering', value: 'liqo-declarative' } as const

/** Which side of a contract a member cluster is on: it bought the capacity, or it sold it. */
export type ClusterRole = 'consumer' | 'provider'

/**
 * The public steps of Liqo v1 declarative peering that travel between the two agents over the chain
 * (no kubeconfig ever does): the provider's gateway endpoint, WireGuard key, CIDRs and nonce; the
 * consumer's CIDRs, WireGuard key and Tenant (signed nonce); the provider's Identity for it.
 */
export const PEERING_STEPS = ['provider-hello', 'consumer-tenant', 'provider-identity'] as const
export type PeeringStep = (typeof PEERING_STEPS)[number]

/** Which side sends each step: a hop passes a step on only in that direction. */
export const PEERING_SENDER: Readonly<Record<PeeringStep, ClusterRole>> = {
  'provider-hello': 'provider',
  'consumer-tenant': 'consumer',
  'provider-identity': 'provider',
}

/** Opaque public data of one peering step: bounded JSON the agents read; participants only carry it. */
export type PeeringData = Record<string, unknown>

/** One peering step as it travels. */
export interface PeeringMessage {
  step: PeeringStep
  data: PeeringData
}

/** The Kubernetes resources a contract's virtual node is sized to (a ResourceSlice's `spec.resources`). */
export type SliceResources = Record<string, string>

/**
 * What the participant asks its in-cluster agent to do. Every command names its chain, so the agent
 * keys all it creates by chain and a command delivered twice finds its work done.
 */
export type AgentCommandBody =
  /** The Network Manager's virtual router (seed steps 26–29): in Liqo v1, this side's gateway of the peering, then the rest of the peering. */
  | {
      command: 'DEPLOY_VIRTUAL_ROUTER'
      chainId: string
      contractId: string
      role: ClusterRole
      remoteClusterId: string
      /** The participants on the route next to this one. */
      peers: string[]
      /** False when the other end is a FLUIDOS Go node, which cannot peer declaratively. */
      declarative: boolean
      /** Consumer only: the size of the contract's ResourceSlice. */
      resources?: SliceResources
      at: string
    }
  | { command: 'PEER'; chainId: string; role: ClusterRole; remoteClusterId: string; step: PeeringStep; data: PeeringData }
  | { command: 'DEPLOY_WORKLOAD'; chainId: string; workloadId: string; namespace: string; remoteClusterId: string; manifests: Record<string, unknown>[] }
  | { command: 'REMOVE_WORKLOAD'; chainId: string; workloadId: string; namespace: string }
  /** The contract ended: remove what it alone needed; shared peering goes with the last contract of the pair. */
  | { command: 'TEAR_DOWN'; chainId: string; role: ClusterRole; remoteClusterId: string; reason: string }

export type AgentCommandType = AgentCommandBody['command']

/** The ResourceSlice size of a contract: its configuration when it has one, else the whole flavour (reference §12.2). */
export function sliceResources(contract: Pick<Contract, 'flavour' | 'configuration'>): SliceResources | undefined {
  const sized = k8sliceSize(contract.configuration, contract.flavour)
  if (!sized) return undefined
  const storage = sized.storage?.toString()
  return {
    cpu: sized.cpu.toString(),
    memory: sized.memory.toString(),
    pods: sized.pods.toString(),
    ...(storage ? { storage, 'ephemeral-storage': storage } : {}),
    ...(sized.gpu && !sized.gpu.cores.isZero() ? { 'nvidia.com/gpu': sized.gpu.cores.toString() } : {}),
  }
}

function k8sliceSize(configuration: Configuration | undefined, flavour: Flavour) {
  if (configuration?.type === 'k8slice') return configuration
  if (flavour.spec.type === 'k8slice') return flavour.spec.characteristics
  return undefined
}
