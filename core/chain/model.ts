import type { Configuration, NodeIdentity } from '../flavours/model.ts'
import type { NetworkEvent } from './ports.ts'

/** Messages of the multi-hop reservation chain (seed steps 20–30). */
export const CHAIN_MESSAGE_TYPES = ['RESERVE', 'RESERVE_OK', 'RESERVE_FAIL', 'PURCHASE', 'PURCHASE_OK', 'PURCHASE_FAIL', 'RELEASE', 'TIMEOUT'] as const
export type ChainMessageType = (typeof CHAIN_MESSAGE_TYPES)[number]

export interface ChainFailure {
  /** The participant where the chain broke. */
  hop: string
  code: string
  reason: string
}

export type ChainPayload =
  | { type: 'RESERVE'; buyer: NodeIdentity; buyerKubeconfig?: string; flavourId: string; providerId: string; configuration?: Configuration }
  | { type: 'RESERVE_OK'; transactionId: string; expiresAt: Date }
  | { type: 'RESERVE_FAIL'; failure: ChainFailure }
  | { type: 'PURCHASE' }
  /** `contract` is the provider's contract in FLUIDOS wire form, passed on unchanged. */
  | { type: 'PURCHASE_OK'; contractId: string; contract: unknown }
  | { type: 'PURCHASE_FAIL'; failure: ChainFailure }
  | { type: 'RELEASE'; reason: string }
  | { type: 'TIMEOUT'; phase: 'reserve' | 'purchase' }

/**
 * One hop-to-hop message. `route` is the whole chain, origin first, provider last; `id` is
 * `<chainId>:<type>:<from>`, the idempotency key of a message.
 */
export interface ChainMessage {
  id: string
  chainId: string
  from: string
  to: string
  route: string[]
  payload: ChainPayload
  sentAt: Date
}

/**
 * Where a participant stands in one chain (golem-style explicit states):
 * reserving → reserved → purchasing → purchased; any live state → failed; reserved → released.
 */
export type HopState = 'reserving' | 'reserved' | 'purchasing' | 'purchased' | 'failed' | 'released'

export const TRANSITIONS: Record<HopState, readonly HopState[]> = {
  reserving: ['reserved', 'failed', 'released'],
  reserved: ['purchasing', 'released', 'failed'],
  purchasing: ['purchased', 'failed'],
  purchased: [],
  failed: ['released'],
  released: [],
}

export type HopPosition = 'origin' | 'relay' | 'provider'

export interface TimelineEntry {
  at: Date
  event: string
  detail?: string
}

/** This participant's record of one chain: its own transaction and contract, linked up- and downstream. */
export interface Hop {
  chainId: string
  position: HopPosition
  route: string[]
  upstream?: string
  downstream?: string
  buyer: NodeIdentity
  buyerKubeconfig?: string
  flavourId: string
  providerId: string
  configuration?: Configuration
  state: HopState
  transactionId?: string
  downstreamTransactionId?: string
  contractId?: string
  downstreamContractId?: string
  allocationId?: string
  /** Origin only: hold the reservation until the purchase is asked for (`purchaseChain`). */
  deferPurchase?: boolean
  /** A reservation answered after this hop failed has been released (at most once). */
  lateReleaseSent?: boolean
  failure?: ChainFailure
  timeline: TimelineEntry[]
  /** Effects decided but not yet carried out; drained after every save (transactional outbox). */
  outbox: OutboxEntry[]
  createdAt: Date
  updatedAt: Date
  version: number
}

/** A message to send (to a peer, or to this participant's own queue after a delay), or an agent command. */
export type OutboxEntry =
  | { kind: 'message'; message: ChainMessage; delaySeconds?: number }
  | { kind: 'agent'; event: NetworkEvent }

export const messageId = (chainId: string, type: ChainMessageType, from: string) => `${chainId}:${type}:${from}`
