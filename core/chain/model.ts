import type { Configuration, NodeIdentity } from '../flavours/model.ts'
import type { Contract } from '../contracts/model.ts'
import type { AgentCommandBody, PeeringData, PeeringMessage, PeeringStep } from '../cluster/cluster-commands.ts'
import type { HopEffects } from './ports.ts'

/** Messages of the multi-hop reservation chain (seed steps 20–30). */
export const CHAIN_MESSAGE_TYPES = ['RESERVE', 'RESERVE_OK', 'RESERVE_FAIL', 'PURCHASE', 'PURCHASE_OK', 'PURCHASE_FAIL', 'RELEASE', 'TIMEOUT', 'PEERING'] as const
export type ChainMessageType = (typeof CHAIN_MESSAGE_TYPES)[number]

/** Failure and release reasons are cut to this many characters before they travel. */
export const MAX_REASON = 1024

export interface ChainFailure {
  /** The participant where the chain broke. */
  hop: string
  code: string
  reason: string
}

export type Phase = 'reserve' | 'purchase'

export type ChainPayload =
  | { type: 'RESERVE'; buyer: NodeIdentity; buyerKubeconfig?: string; flavourId: string; providerId: string; configuration?: Configuration }
  | { type: 'RESERVE_OK'; transactionId: string; expiresAt: Date }
  | { type: 'RESERVE_FAIL'; failure: ChainFailure }
  | { type: 'PURCHASE' }
  /**
   * `contract` is the provider's contract; absent only when a FLUIDOS Go provider confirmed a sale without repeating it.
   * `transactionId` is the sender's transaction, the one its RESERVE_OK named (absent from older senders).
   */
  | { type: 'PURCHASE_OK'; contractId: string; contract?: Contract; transactionId?: string }
  | { type: 'PURCHASE_FAIL'; failure: ChainFailure }
  | { type: 'RELEASE'; reason: string }
  | { type: 'TIMEOUT'; phase: Phase }
  /** One step of declarative Liqo peering between the two ends' agents, passed along the route as is. */
  | { type: 'PEERING'; step: PeeringStep; data: PeeringData }

/**
 * One hop-to-hop message. `route` is the whole chain, origin first, provider last; `id` is
 * `<chainId>:<type>:<from>`, the idempotency key of a message. `replyTo` is the sender's base URL,
 * so a hop that does not know its upstream as a peer (a catalog in the route) can still answer it.
 */
export interface ChainMessage {
  id: string
  chainId: string
  from: string
  to: string
  route: string[]
  replyTo?: string
  payload: ChainPayload
  sentAt: Date
}

/**
 * Where a participant stands in one chain. Live states wait for something and carry a deadline;
 * settled states hold nothing that can leak. See `hop-machine.ts` for every transition.
 */
export const HOP_STATES = ['reserving', 'reserved', 'purchasing', 'purchased', 'failed', 'released'] as const
export type HopState = (typeof HOP_STATES)[number]
export const LIVE_STATES: readonly HopState[] = ['reserving', 'reserved', 'purchasing']
export const isLive = (state: HopState) => LIVE_STATES.includes(state)

export type HopPosition = 'origin' | 'relay' | 'provider'

/** What a timeline entry records: one per decision, never free text (the detail says the rest). */
export const TIMELINE_EVENTS = [
  'CHAIN_STARTED',
  'PURCHASE_DEFERRED',
  'PURCHASE_REQUESTED',
  'RELEASE_REQUESTED',
  'RESERVE_RECEIVED',
  'RESERVE_FORWARDED',
  'PURCHASE_FORWARDED',
  'GO_PROVIDER_CALLED',
  'RESERVED',
  'PURCHASING',
  'PURCHASED',
  'VIRTUAL_NODE_ALLOCATED',
  'FAILED',
  'DEADLINE_PASSED',
  'RELEASED',
  'SALE_UNDONE',
  'LATE_ANSWER_RELEASED',
  'PEERING_SENT',
  'PEERING_ACTIVE',
  'PEERING_FAILED',
  'WORKLOAD_REQUESTED',
  'WORKLOAD_REMOVAL_REQUESTED',
  'PEERING_RECEIVED',
  'PEERING_RELAYED',
] as const
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number]

export interface TimelineEntry {
  at: Date
  event: TimelineEvent
  detail?: string
}

/** What this end's agent last said of its side of the peering. */
export interface PeeringStatus {
  status: 'active' | 'error'
  detail?: string
  at: Date
}

export const WORKLOAD_PHASES = ['pending', 'deploying', 'running', 'failed', 'removing', 'removed'] as const
export type WorkloadPhase = (typeof WORKLOAD_PHASES)[number]

/** A workload on the contract's virtual node, as the consumer's agent reports it. */
export interface WorkloadStatus {
  phase: WorkloadPhase
  readyPods: number
  totalPods: number
  /** The virtual node its pods run on. */
  node?: string
  detail?: string
  updatedAt: Date
}

interface HopBase {
  chainId: string
  route: string[]
  buyer: NodeIdentity
  buyerKubeconfig?: string
  flavourId: string
  providerId: string
  configuration?: Configuration
  state: HopState
  /** While live: when this hop gives up waiting (the sweeper acts on it even if every message was lost). */
  deadline?: Date
  /** This hop's own transaction id (the provider's, or `<chainId>-<self>` upstream of it). */
  transactionId?: string
  contractId?: string
  failure?: ChainFailure
  /** Ends only, once purchased: the Liqo cluster id of the other end, which this end's agent peers with. */
  remoteClusterId?: string
  /** Upstream of the provider: this hop wrote its own contract (not when a Go provider confirmed a sale without one). */
  contractRecorded?: boolean
  peering?: PeeringStatus
  /** Ends only, once purchased: when this side's peering must have been reported, or it is marked in error. */
  peeringDue?: Date
  timeline: TimelineEntry[]
  /** Effects decided but not yet carried out; drained after every save (transactional outbox). */
  outbox: OutboxEntry[]
  createdAt: Date
  updatedAt: Date
  version: number
}

/** The consumer node that started the chain; it alone arms timeouts and decides to buy. */
export interface OriginHop extends HopBase {
  position: 'origin'
  downstream: string
  /** Hold the reservation until the purchase is asked for (`purchaseChain`). */
  deferPurchase: boolean
  downstreamTransactionId?: string
  downstreamContractId?: string
  allocationId?: string
  /** Peering steps that arrived before PURCHASE_OK, handed to the agent once purchased. */
  pendingPeering?: PeeringMessage[]
  /** Workloads deployed onto the contract's virtual node, by name (= namespace). */
  workloads?: Record<string, WorkloadStatus>
}

/** A supernode or catalog passing the chain on, with its own transaction and contract. */
export interface RelayHop extends HopBase {
  position: 'relay'
  upstream: string
  /** The upstream's base URL from its RESERVE, used when the upstream is not a registered peer. */
  upstreamUrl?: string
  downstream: string
  downstreamTransactionId?: string
  downstreamContractId?: string
}

/** The seller: runs the same reserve and purchase use cases as the REAR provider API. */
export interface ProviderHop extends HopBase {
  position: 'provider'
  upstream: string
  upstreamUrl?: string
}

export type Hop = OriginHop | RelayHop | ProviderHop
export type UpstreamHop = RelayHop | ProviderHop
export type DownstreamHop = OriginHop | RelayHop

export const hasUpstream = (hop: Hop): hop is UpstreamHop => hop.position !== 'origin'
export const hasDownstream = (hop: Hop): hop is DownstreamHop => hop.position !== 'provider'

/**
 * What a hop reacts to: a message from a neighbour (with its sender), or an internal event — its
 * deadline passed, an operator asked for a deferred purchase, or a local use case answered.
 */
export type HopEvent =
  | (ChainPayload & Pick<ChainMessage, 'from' | 'chainId' | 'route' | 'replyTo'>)
  | { type: 'DEADLINE' }
  | { type: 'PURCHASE_REQUESTED' }
  /** The consumer ends the contract (or gives up a held reservation): tear-down along the route. */
  | { type: 'RELEASE_REQUESTED'; reason: string }
  | { type: 'HELD'; transactionId: string; expiresAt: Date }
  | { type: 'SOLD'; contract: Contract }
  | { type: 'REFUSED'; failure: ChainFailure }
  /** This end's agent hands over a peering step for the other end. */
  | { type: 'PEERING_OUT'; step: PeeringStep; data: PeeringData }
export type HopEventType = HopEvent['type']

/** Work decided by the state machine and carried out by the runner (`run-hop.ts`). */
export type HopCommand =
  /** Provider use cases, run before the commit; reserve and purchase answer with HELD, SOLD or REFUSED. */
  | { kind: 'reserve-here' }
  | { kind: 'purchase-here'; transactionId: string }
  | { kind: 'release-here'; transactionId: string }
  | { kind: 'undo-sale'; transactionId: string }
  /** Written atomically with the hop. */
  | { kind: 'record'; effects: HopEffects }
  | OutboxEntry

/**
 * Carried out after the hop is saved: a message (to a peer, or to this participant's own queue after a
 * delay), an agent command, or a call to a FLUIDOS Go provider whose answer comes back as an event.
 * `attempts` counts Go calls started, saved before each call so a retried save never calls twice.
 */
export type OutboxEntry =
  | { kind: 'message'; message: ChainMessage; delaySeconds?: number }
  | { kind: 'agent'; command: AgentCommandBody }
  | { kind: 'go-reserve'; attempts: number }
  | { kind: 'go-purchase'; attempts: number }
  /** Drop what this participant learnt of a flavour that was sold or is gone, so discovery stops offering it. */
  | { kind: 'forget'; providerId: string; flavourId: string }

/** A call to a FLUIDOS Go provider waiting in the outbox. */
export type GoCall = Extract<OutboxEntry, { kind: 'go-reserve' | 'go-purchase' }>
export const isGoCall = (command: HopCommand): command is GoCall => command.kind === 'go-reserve' || command.kind === 'go-purchase'

/** Commands carried out after the commit (the rest run before it, or are written with the hop). */
export const isOutboxEntry = (command: HopCommand): command is OutboxEntry =>
  isGoCall(command) || command.kind === 'message' || command.kind === 'agent' || command.kind === 'forget'

/** Work that asks downstream to reserve or buy: what a settled hop must no longer do. */
export const isForward = (entry: OutboxEntry): boolean =>
  isGoCall(entry) || (entry.kind === 'message' && (entry.message.payload.type === 'RESERVE' || entry.message.payload.type === 'PURCHASE'))

/** `<chainId>:<type>:<from>`; a peering message adds its step, as one sender sends several. */
export const messageId = (chainId: string, payload: ChainPayload, from: string) =>
  `${chainId}:${payload.type === 'PEERING' ? `PEERING-${payload.step}` : payload.type}:${from}`
