import type { AgentCommandBody } from '../cluster/cluster-commands.ts'
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
  /** An allocation this hop made earlier, now released (tear-down). */
  releasedAllocation?: { id: string; at: Date }
  /** This hop's own contract, now released (tear-down). */
  releasedContract?: { id: string; at: Date }
  /** This end's allocation as its agent reports the peering: never written once released. */
  allocationStatus?: { id: string; status: 'active' | 'error'; at: Date; detail?: string }
}

/** Per-participant chain records; every save is conditional on the version read (or on absence). */
export interface HopRepository {
  get(chainId: string): Promise<Hop | undefined>
  /**
   * Hops due for the sweeper (`dueAt(hop) <= now`, oldest first, at most `limit`): live hops past their
   * deadline and hops whose outbox was left undrained, whether or not any queue message survives.
   */
  listDue(now: Date, limit: number): Promise<Hop[]>
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

/** The synchronous REAR calls of an unmodified FLUIDOS Go provider, used when it is the next hop. */
export interface GoProviderClient {
  reserve(peer: Peer, request: { flavourId: string; buyer: NodeIdentity; buyerKubeconfig?: string; configuration?: Configuration }): Promise<{ transactionId: string; expiresAt?: Date }>
  /**
   * Buys `transactionId`. Go's purchase is not idempotent (reference §14 bugs 6, 8): a `retry` after a
   * call whose answer was lost reads Go's 500 ("already exists", "Error getting the Transaction") as the
   * sale it is, and answers with Go's deterministic contract id and no contract body.
   */
  purchase(peer: Peer, request: { transactionId: string; flavourId: string; retry: boolean }): Promise<{ contractId: string; contract?: Contract }>
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

/** The participant's agent command queue, which its in-cluster agent reads through the agent API. */
export interface AgentCommands {
  send(command: AgentCommandBody): Promise<void>
}
