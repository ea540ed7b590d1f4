import type { Allocation } from '../allocations/model.ts'
import type { Contract } from '../contracts/model.ts'
import type { Configuration, NodeIdentity } from '../flavours/model.ts'
import type { Peer } from '../peers/model.ts'
import type { ChainMessage, Hop } from './model.ts'

/** What a hop's state change writes besides the hop itself, in the same atomic commit. */
export interface HopEffects {
  contract?: Contract
  allocation?: Allocation
  networkEvent?: NetworkEvent
}

/** Per-participant chain records; every save is conditional on the version read (or on absence). */
export interface HopRepository {
  get(chainId: string): Promise<Hop | undefined>
  /** Creates `hop` (version 0) unless one exists: false when it already did. */
  create(hop: Hop, effects?: HopEffects): Promise<boolean>
  /** Replaces the hop read at `expectedVersion`; throws ContentionError when it changed meanwhile. */
  save(hop: Hop, expectedVersion: number, effects?: HopEffects): Promise<void>
}

/** Delivers a chain message to another participant's chain endpoint (it answers 202 and queues it). */
export interface ChainTransport {
  send(peer: Peer, message: ChainMessage): Promise<void>
}

/** This participant's own chain queue: for messages to itself, such as delayed timeout checks. */
export interface ChainQueue {
  enqueue(message: ChainMessage, delaySeconds?: number): Promise<void>
}

/** The synchronous REAR calls of an unmodified FLUIDOS Go provider, used when it is the last hop. */
export interface GoProviderClient {
  reserve(peer: Peer, request: { flavourId: string; buyer: NodeIdentity; buyerKubeconfig?: string; configuration?: Configuration }): Promise<{ transactionId: string; expiresAt?: Date }>
  purchase(peer: Peer, transactionId: string): Promise<{ contractId: string; contract: unknown }>
}

/** A Network Manager instruction: deploy a virtual router for a contract (steps 26–29). */
export interface NetworkEvent {
  id: string
  chainId: string
  contractId: string
  /** The participants the router must reach. */
  peers: string[]
  at: Date
}

/** The participant's agent command queue; the agent acts on commands (agent issue). */
export interface AgentCommands {
  deployVirtualRouter(event: NetworkEvent): Promise<void>
}
