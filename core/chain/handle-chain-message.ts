import { isRearError } from '../shared/errors.ts'
import { retryOnContention } from '../shared/retry.ts'
import { reserveFlavour } from '../reservations/reserve-flavour.ts'
import { purchaseFlavour } from '../contracts/purchase-flavour.ts'
import type { Contract } from '../contracts/model.ts'
import type { Allocation } from '../allocations/model.ts'
import { contractFromWire, contractToWire } from '../wire/contract-codec.ts'
import type { ChainDeps } from './chain-deps.ts'
import type { ChainFailure, ChainMessage, ChainPayload, Hop } from './model.ts'
import type { HopEffects, NetworkEvent } from './ports.ts'
import { fail, message, moveTo, note, send, withOutbox } from './hop-transitions.ts'
import { drainOutbox } from './drain-outbox.ts'

type Decision = { hop: Hop; create: boolean; effects?: HopEffects } | undefined

const failureFrom = (hop: string, error: unknown): ChainFailure =>
  isRearError(error) ? { hop, code: error.code, reason: error.message } : { hop, code: 'INTERNAL', reason: error instanceof Error ? error.message : String(error) }

function networkEvent(deps: ChainDeps, hop: Hop, contractId: string): NetworkEvent {
  const peers = [hop.upstream, hop.downstream].filter((p): p is string => Boolean(p))
  return { id: `net-${hop.chainId}-${deps.self.id}`, chainId: hop.chainId, contractId, peers, at: deps.clock.now() }
}

function newHop(deps: ChainDeps, msg: ChainMessage, payload: Extract<ChainPayload, { type: 'RESERVE' }>): Hop {
  const index = msg.route.indexOf(deps.self.id)
  const now = deps.clock.now()
  return {
    chainId: msg.chainId,
    position: index === msg.route.length - 1 ? 'provider' : 'relay',
    route: msg.route,
    upstream: msg.from,
    ...(index < msg.route.length - 1 ? { downstream: msg.route[index + 1]! } : {}),
    buyer: payload.buyer,
    ...(payload.buyerKubeconfig ? { buyerKubeconfig: payload.buyerKubeconfig } : {}),
    flavourId: payload.flavourId,
    providerId: payload.providerId,
    ...(payload.configuration ? { configuration: payload.configuration } : {}),
    state: 'reserving',
    timeline: [{ at: now, event: 'RESERVE_RECEIVED', detail: `from ${msg.from}` }],
    outbox: [],
    createdAt: now,
    updatedAt: now,
    version: 0,
  }
}

async function reserveHere(deps: ChainDeps, hop: Hop): Promise<Hop> {
  const now = deps.clock.now()
  try {
    const tx = await reserveFlavour(deps.reserve, {
      flavourId: hop.flavourId,
      reservationKey: `${hop.buyer.id}#${hop.chainId}`,
      buyer: hop.buyer,
      ...(hop.buyerKubeconfig ? { buyerKubeconfig: hop.buyerKubeconfig } : {}),
      ...(hop.configuration ? { configuration: hop.configuration } : {}),
    })
    const reserved = moveTo({ ...hop, transactionId: tx.id }, 'reserved', now, 'RESERVED', tx.id)
    return withOutbox(reserved, send(message(hop, deps.self.id, hop.upstream!, { type: 'RESERVE_OK', transactionId: tx.id, expiresAt: tx.expiresAt }, now)))
  } catch (error) {
    if (!isRearError(error)) throw error
    return fail(hop, deps.self.id, failureFrom(deps.self.id, error), now, 'reserve', false)
  }
}

async function reserveAtGoProvider(deps: ChainDeps, hop: Hop): Promise<Hop> {
  const now = deps.clock.now()
  const peer = (await deps.peers.get(hop.downstream!))!
  try {
    const tx = await deps.goProviders.reserve(peer, {
      flavourId: hop.flavourId,
      buyer: hop.buyer,
      ...(hop.buyerKubeconfig ? { buyerKubeconfig: hop.buyerKubeconfig } : {}),
      ...(hop.configuration ? { configuration: hop.configuration } : {}),
    })
    return reservedDownstream(deps, hop, tx.transactionId, tx.expiresAt ?? new Date(now.getTime() + 3_600_000))
  } catch (error) {
    if (!isRearError(error)) throw error
    return fail(hop, deps.self.id, failureFrom(peer.id, error), now, 'reserve', false)
  }
}

async function onReserve(deps: ChainDeps, msg: ChainMessage, payload: Extract<ChainPayload, { type: 'RESERVE' }>, existing: Hop | undefined): Promise<Decision> {
  if (existing) return undefined
  if (!msg.route.includes(deps.self.id)) {
    deps.logger.warn('CHAIN_MESSAGE_NOT_FOR_US', { chainId: msg.chainId, messageId: msg.id })
    return undefined
  }
  const hop = newHop(deps, msg, payload)
  if (hop.position === 'provider') return { hop: await reserveHere(deps, hop), create: true }
  const downstream = await deps.peers.get(hop.downstream!)
  const now = deps.clock.now()
  if (!downstream) {
    return { hop: fail(hop, deps.self.id, { hop: hop.downstream!, code: 'PEER_UNKNOWN', reason: `${hop.downstream} is not a known peer` }, now, 'reserve', false), create: true }
  }
  if (downstream.protocol === 'fluidos-go') return { hop: await reserveAtGoProvider(deps, hop), create: true }
  return { hop: forward(deps, hop, payload, 'reserve'), create: true }
}

/**
 * Sends `payload` downstream. Only the origin arms a timeout: when it fires, its RELEASE walks the
 * route and releases every hop and hold below, so relays need no timers of their own.
 */
function forward(deps: ChainDeps, hop: Hop, payload: ChainPayload, phase: 'reserve' | 'purchase'): Hop {
  const now = deps.clock.now()
  const forwarded = withOutbox(note(hop, now, `${payload.type}_FORWARDED`, `to ${hop.downstream}`), send(message(hop, deps.self.id, hop.downstream!, payload, now)))
  if (hop.position !== 'origin') return forwarded
  return withOutbox(forwarded, send(message(hop, deps.self.id, deps.self.id, { type: 'TIMEOUT', phase }, now), deps.settings.hopTimeoutSeconds))
}

function reservedDownstream(deps: ChainDeps, hop: Hop, downstreamTransactionId: string, expiresAt: Date): Hop {
  const now = deps.clock.now()
  const transactionId = `${hop.chainId}-${deps.self.id}`
  const reserved = moveTo({ ...hop, downstreamTransactionId, transactionId }, 'reserved', now, 'RESERVED', `downstream ${downstreamTransactionId}`)
  if (hop.position === 'origin') return startPurchase(deps, reserved)
  return withOutbox(reserved, send(message(hop, deps.self.id, hop.upstream!, { type: 'RESERVE_OK', transactionId, expiresAt }, now)))
}

/** The origin buys as soon as it holds a reservation, unless the operation asked to defer the purchase. */
export function startPurchase(deps: ChainDeps, hop: Hop): Hop {
  if (hop.deferPurchase) return hop
  const purchasing = moveTo(hop, 'purchasing', deps.clock.now(), 'PURCHASING')
  return forward(deps, purchasing, { type: 'PURCHASE' }, 'purchase')
}

async function purchaseHere(deps: ChainDeps, hop: Hop): Promise<Decision> {
  const now = deps.clock.now()
  try {
    const contract = await purchaseFlavour(deps.purchase, hop.transactionId!, {})
    const event = networkEvent(deps, hop, contract.id)
    const purchased = moveTo({ ...hop, contractId: contract.id }, 'purchased', now, 'PURCHASED', contract.id)
    const next = withOutbox(
      purchased,
      send(message(hop, deps.self.id, hop.upstream!, { type: 'PURCHASE_OK', contractId: contract.id, contract: contractToWire(contract) }, now)),
      { kind: 'agent', event },
    )
    return { hop: next, create: false, effects: { networkEvent: event } }
  } catch (error) {
    if (!isRearError(error)) throw error
    return { hop: fail(hop, deps.self.id, failureFrom(deps.self.id, error), now, 'purchase', false), create: false }
  }
}

async function onPurchase(deps: ChainDeps, hop: Hop | undefined): Promise<Decision> {
  if (!hop || hop.state !== 'reserved') return undefined
  const purchasing = moveTo(hop, 'purchasing', deps.clock.now(), 'PURCHASE_RECEIVED')
  if (hop.position === 'provider') return purchaseHere(deps, purchasing)
  const downstream = await deps.peers.get(hop.downstream!)
  if (downstream?.protocol === 'fluidos-go') {
    try {
      const bought = await deps.goProviders.purchase(downstream, hop.downstreamTransactionId!)
      return purchasedDownstream(deps, purchasing, bought.contractId, bought.contract)
    } catch (error) {
      if (!isRearError(error)) throw error
      return { hop: fail(purchasing, deps.self.id, failureFrom(downstream.id, error), deps.clock.now(), 'purchase', false), create: false }
    }
  }
  return { hop: forward(deps, purchasing, { type: 'PURCHASE' }, 'purchase'), create: false }
}

/** This hop's own contract: the provider's terms, linked to its neighbours; only the buyer keeps the peering kubeconfig. */
function hopContract(deps: ChainDeps, hop: Hop, providerContract: unknown, downstreamContractId: string): Contract {
  const now = deps.clock.now()
  const base = contractFromWire(providerContract, now)
  return {
    ...base,
    id: `contract-${hop.chainId}-${deps.self.id}`,
    peeringTargetCredentials: hop.position === 'origin' ? base.peeringTargetCredentials : { clusterId: base.peeringTargetCredentials.clusterId, kubeconfig: '' },
    extraInformation: {
      ...base.extraInformation,
      chainId: hop.chainId,
      downstreamContractId,
      ...(hop.upstream ? { upstream: hop.upstream } : {}),
      ...(hop.downstream ? { downstream: hop.downstream } : {}),
    },
    createdAt: now,
  }
}

function purchasedDownstream(deps: ChainDeps, hop: Hop, downstreamContractId: string, providerContract: unknown): Decision {
  const now = deps.clock.now()
  const contract = hopContract(deps, hop, providerContract, downstreamContractId)
  const event = networkEvent(deps, hop, contract.id)
  let next = moveTo({ ...hop, contractId: contract.id, downstreamContractId }, 'purchased', now, 'PURCHASED', contract.id)
  let allocation: Allocation | undefined
  if (hop.position === 'origin') {
    allocation = {
      id: `allocation-${hop.chainId}`,
      type: 'VirtualNode',
      status: 'inactive',
      contractId: contract.id,
      flavourId: hop.flavourId,
      createdAt: now,
      updatedAt: now,
    }
    next = note({ ...next, allocationId: allocation.id }, now, 'VIRTUAL_NODE_ALLOCATED', allocation.id)
  } else {
    next = withOutbox(next, send(message(hop, deps.self.id, hop.upstream!, { type: 'PURCHASE_OK', contractId: contract.id, contract: providerContract }, now)))
  }
  next = withOutbox(next, { kind: 'agent', event })
  return { hop: next, create: false, effects: { contract, networkEvent: event, ...(allocation ? { allocation } : {}) } }
}

async function onRelease(deps: ChainDeps, msg: ChainMessage, hop: Hop | undefined): Promise<Decision> {
  const now = deps.clock.now()
  if (!hop || !['reserving', 'reserved', 'failed'].includes(hop.state)) return undefined
  if (hop.position === 'provider') await releaseHere(deps, hop)
  let next = moveTo({ ...hop, outbox: [] }, 'released', now, 'RELEASED', `by ${msg.from}`)
  if (hop.downstream) next = withOutbox(next, send(message(hop, deps.self.id, hop.downstream, { type: 'RELEASE', reason: `released by ${msg.from}` }, now)))
  return { hop: next, create: false }
}

async function releaseHere(deps: ChainDeps, hop: Hop): Promise<void> {
  const tx = hop.transactionId ? await deps.reserve.reservations.getTransaction(hop.transactionId) : undefined
  if (tx && (await deps.reserve.reservations.releaseHold(tx, 'released', deps.clock.now()))) {
    deps.logger.info('RESERVATION_RELEASED', { transactionId: tx.id, chainId: hop.chainId })
  }
}

function onTimeout(deps: ChainDeps, hop: Hop | undefined, phase: 'reserve' | 'purchase'): Decision {
  const waiting = phase === 'reserve' ? 'reserving' : 'purchasing'
  if (!hop || hop.state !== waiting) return undefined
  const failure = { hop: hop.downstream ?? deps.self.id, code: 'HOP_TIMEOUT', reason: `no answer within ${deps.settings.hopTimeoutSeconds} s` }
  return { hop: fail(hop, deps.self.id, failure, deps.clock.now(), phase, true), create: false }
}

function onAnswer(deps: ChainDeps, msg: ChainMessage, hop: Hop | undefined): Decision {
  if (!hop || msg.from !== hop.downstream) return undefined
  const { payload } = msg
  const now = deps.clock.now()
  if (payload.type === 'RESERVE_OK') {
    if (hop.state === 'reserving') return { hop: reservedDownstream(deps, hop, payload.transactionId, payload.expiresAt), create: false }
    if ((hop.state === 'failed' || hop.state === 'released') && !hop.lateReleaseSent) {
      const released = note({ ...hop, lateReleaseSent: true }, now, 'LATE_RESERVATION_RELEASED', payload.transactionId)
      return { hop: withOutbox(released, send(message(hop, deps.self.id, hop.downstream, { type: 'RELEASE', reason: 'answer came after the chain failed' }, now))), create: false }
    }
    return undefined
  }
  if (payload.type === 'RESERVE_FAIL' && hop.state === 'reserving') return { hop: fail(hop, deps.self.id, payload.failure, now, 'reserve', false), create: false }
  if (payload.type === 'PURCHASE_OK' && hop.state === 'purchasing') return purchasedDownstream(deps, hop, payload.contractId, payload.contract)
  if (payload.type === 'PURCHASE_FAIL' && hop.state === 'purchasing') return { hop: fail(hop, deps.self.id, payload.failure, now, 'purchase', false), create: false }
  return undefined
}

async function decide(deps: ChainDeps, msg: ChainMessage, hop: Hop | undefined): Promise<Decision> {
  const { payload } = msg
  switch (payload.type) {
    case 'RESERVE':
      return onReserve(deps, msg, payload, hop)
    case 'PURCHASE':
      return msg.from === hop?.upstream ? onPurchase(deps, hop) : undefined
    case 'RELEASE':
      return msg.from === hop?.upstream || hop === undefined ? onRelease(deps, msg, hop) : undefined
    case 'TIMEOUT':
      return msg.from === deps.self.id ? onTimeout(deps, hop, payload.phase) : undefined
    default:
      return onAnswer(deps, msg, hop)
  }
}

/**
 * Processes one chain message at this participant (seed steps 20–30), at least once: the decision is
 * a pure function of the stored hop and the message, committed with a version check together with its
 * contract, allocation and network event; outbound messages go through the hop's outbox, so a message
 * delivered twice, or an answer arriving late, changes nothing the second time.
 */
export async function handleChainMessage(deps: ChainDeps, msg: ChainMessage): Promise<void> {
  const saved = await retryOnContention(deps.clock, async (): Promise<Hop | undefined> => {
    const hop = await deps.hops.get(msg.chainId)
    const decision = await decide(deps, msg, hop)
    if (!decision) return hop
    let next: Hop
    if (decision.create) {
      if (!(await deps.hops.create(decision.hop, decision.effects))) return undefined
      next = { ...decision.hop, version: 0 }
    } else {
      next = { ...decision.hop, version: hop!.version + 1 }
      await deps.hops.save(next, hop!.version, decision.effects)
    }
    deps.logger.info('CHAIN_STEP', { chainId: msg.chainId, message: msg.payload.type, from: msg.from, state: next.state })
    return next
  })
  await drainOutbox(deps, msg.chainId, saved)
}
