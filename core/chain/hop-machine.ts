import { ValidationError } from '../shared/errors.ts'
import type { Contract } from '../contracts/model.ts'
import type { PeerProtocol } from '../peers/model.ts'
import type {
  ChainFailure,
  ChainPayload,
  DownstreamHop,
  Hop,
  HopCommand,
  HopEvent,
  HopEventType,
  HopPosition,
  HopState,
  OriginHop,
  OutboxEntry,
  Phase,
  RelayHop,
  TimelineEvent,
  UpstreamHop,
} from './model.ts'
import { MAX_REASON, hasDownstream, hasUpstream, isForward, messageId } from './model.ts'
import type { AgentCommandBody, ClusterRole, PeeringMessage } from '../cluster/cluster-commands.ts'
import { DECLARATIVE_PEERING_MARK, PEERING_SENDER, sliceResources } from '../cluster/cluster-commands.ts'

/** The knobs of the chain, per participant. */
export interface ChainSettings {
  /** How long the origin waits for each phase before failing and releasing the chain, in seconds (≤ 900, SQS's delay limit). */
  hopTimeoutSeconds: number
}

/** How long an end waits for its agent to report its side of the peering before marking it in error, in seconds. */
export const PEERING_DEADLINE_SECONDS = 600

/** A relay or provider waits this many times the origin's timeout, so the origin's own timeout fires first. */
export const DOWNSTREAM_PATIENCE = 2

/** Everything `decide` may look at besides the hop and the event; the runner fills it in. */
export interface DecideContext {
  self: string
  /** This participant's base URL, sent as `replyTo` so unregistered neighbours can answer. */
  selfUrl?: string
  now: Date
  settings: ChainSettings
  /** The protocol of the downstream peer in the registry; undefined when it is not registered. */
  downstreamProtocol?: PeerProtocol
}

export interface Decision {
  hop: Hop
  commands: HopCommand[]
}

type EventOf<T extends HopEventType> = Extract<HopEvent, { type: T }>
type Handler<T extends HopEventType> = (hop: Hop, event: EventOf<T>, ctx: DecideContext) => Decision
type Creator<T extends HopEventType> = (hop: undefined, event: EventOf<T>, ctx: DecideContext) => Decision | undefined

/** One row of the table: in `state`, at these `positions`, `event` leads to one of `to`, doing `does`. */
interface Row<T extends HopEventType = HopEventType> {
  state: HopState | 'absent'
  event: T
  positions: readonly HopPosition[]
  to: readonly HopState[]
  does: string
  run: Handler<T> | Creator<T>
}

const ALL: readonly HopPosition[] = ['origin', 'relay', 'provider']
const BELOW_ORIGIN: readonly HopPosition[] = ['relay', 'provider']
const ABOVE_PROVIDER: readonly HopPosition[] = ['origin', 'relay']

// ── small pure helpers ─────────────────────────────────────────────────────────────────────────

const after = (ctx: DecideContext, seconds: number) => new Date(ctx.now.getTime() + seconds * 1000)

/** How long a hop at `position` waits for an answer: the origin its timeout, the others longer. */
const waitDeadline = (position: HopPosition, ctx: DecideContext) => after(ctx, ctx.settings.hopTimeoutSeconds * (position === 'origin' ? 1 : DOWNSTREAM_PATIENCE))

const deadlineFor = (position: HopPosition, state: HopState, ctx: DecideContext): Date | undefined =>
  state === 'reserving' || state === 'purchasing' ? waitDeadline(position, ctx) : undefined

/** A new version of `hop` in `state` with a timeline entry; the table's `to` lists are the only transitions. */
export function moveTo<H extends Hop>(hop: H, state: HopState, ctx: DecideContext, event: TimelineEvent, detail?: string, deadline = deadlineFor(hop.position, state, ctx)): H {
  if (hop.state !== state && !TRANSITIONS[hop.state].includes(state)) {
    throw new ValidationError(`Chain ${hop.chainId}: no transition from ${hop.state} to ${state}`, { code: 'INVALID_TRANSITION' })
  }
  const { deadline: _old, ...rest } = hop
  return { ...(rest as H), state, ...(deadline ? { deadline } : {}), updatedAt: ctx.now, timeline: [...hop.timeline, { at: ctx.now, event, ...(detail ? { detail } : {}) }] }
}

function note<H extends Hop>(hop: H, ctx: DecideContext, event: TimelineEvent, detail?: string): H {
  return { ...hop, updatedAt: ctx.now, timeline: [...hop.timeline, { at: ctx.now, event, ...(detail ? { detail } : {}) }] }
}

/** An outbox entry that sends `payload` from this participant to `to` (to itself after `delaySeconds`). */
function outgoing(hop: Hop, ctx: DecideContext, to: string, payload: ChainPayload, delaySeconds?: number): OutboxEntry {
  const msg = { id: messageId(hop.chainId, payload, ctx.self), chainId: hop.chainId, from: ctx.self, to, route: hop.route, ...(ctx.selfUrl ? { replyTo: ctx.selfUrl } : {}), payload, sentAt: ctx.now }
  return { kind: 'message', message: msg, ...(delaySeconds ? { delaySeconds } : {}) }
}

const toUpstream = (hop: Hop, ctx: DecideContext, payload: ChainPayload): HopCommand[] => (hasUpstream(hop) ? [outgoing(hop, ctx, hop.upstream, payload)] : [])
/** A FLUIDOS Go provider has no chain endpoint and no way to release: its holds expire on their own. */
const toDownstream = (hop: Hop, ctx: DecideContext, payload: ChainPayload): HopCommand[] =>
  hasDownstream(hop) && !(payload.type === 'RELEASE' && ctx.downstreamProtocol === 'fluidos-go') ? [outgoing(hop, ctx, hop.downstream, payload)] : []

/** Work towards downstream that a settled hop must no longer do. */
const withoutPendingWork = <H extends Hop>(hop: H): H => ({
  ...hop,
  outbox: hop.outbox.filter((e) => !isForward(e)),
})

interface FailOptions {
  failure: ChainFailure
  phase: Phase
  /** Tell downstream to release what it may hold (after a timeout, whose answer may still come). */
  releaseDownstream: boolean
}

/** Failures that mean the flavour itself is gone, not just busy: what was learnt of it is stale. */
const GONE_CODES: readonly string[] = ['FLAVOUR_NOT_FOUND', 'PEER_ANSWERED_404']

const forget = (hop: Hop): OutboxEntry => ({ kind: 'forget', providerId: hop.providerId, flavourId: hop.flavourId })

/** Fails a hop: upstream is told (the origin has none) and, if asked, downstream releases. */
function fail(hop: Hop, ctx: DecideContext, options: FailOptions): Decision {
  const { failure, phase, releaseDownstream } = options
  const failed = moveTo({ ...withoutPendingWork(hop), failure }, 'failed', ctx, 'FAILED', `${failure.hop}: ${failure.code} ${failure.reason}`)
  return {
    hop: failed,
    commands: [
      ...toUpstream(hop, ctx, { type: phase === 'reserve' ? 'RESERVE_FAIL' : 'PURCHASE_FAIL', failure }),
      ...(releaseDownstream ? toDownstream(hop, ctx, { type: 'RELEASE', reason: `${failure.code} at ${failure.hop}` }) : []),
      ...(GONE_CODES.includes(failure.code) && hasDownstream(hop) ? [forget(hop)] : []),
    ],
  }
}

/** Sends RESERVE or PURCHASE downstream (or calls a FLUIDOS Go provider); the origin also arms its timeout. */
function forward(hop: DownstreamHop, ctx: DecideContext, payload: Extract<ChainPayload, { type: 'RESERVE' | 'PURCHASE' }>): Decision {
  const phase: Phase = payload.type === 'RESERVE' ? 'reserve' : 'purchase'
  const timeout = hop.position === 'origin' ? [outgoing(hop, ctx, ctx.self, { type: 'TIMEOUT', phase }, ctx.settings.hopTimeoutSeconds)] : []
  if (ctx.downstreamProtocol === 'fluidos-go') {
    const call: OutboxEntry = payload.type === 'RESERVE' ? { kind: 'go-reserve', attempts: 0 } : { kind: 'go-purchase', attempts: 0 }
    return { hop: note(hop, ctx, 'GO_PROVIDER_CALLED', `${payload.type} at ${hop.downstream}`), commands: [call, ...timeout] }
  }
  return { hop: note(hop, ctx, payload.type === 'RESERVE' ? 'RESERVE_FORWARDED' : 'PURCHASE_FORWARDED', `to ${hop.downstream}`), commands: [outgoing(hop, ctx, hop.downstream, payload), ...timeout] }
}

const reservePayload = (hop: Hop): Extract<ChainPayload, { type: 'RESERVE' }> => ({
  type: 'RESERVE',
  buyer: hop.buyer,
  flavourId: hop.flavourId,
  providerId: hop.providerId,
  ...(hop.buyerKubeconfig ? { buyerKubeconfig: hop.buyerKubeconfig } : {}),
  ...(hop.configuration ? { configuration: hop.configuration } : {}),
})

const timeoutFailure = (hop: Hop, ctx: DecideContext): ChainFailure => ({
  hop: hasDownstream(hop) ? hop.downstream : ctx.self,
  code: 'HOP_TIMEOUT',
  reason: `no answer by ${hop.deadline?.toISOString() ?? ctx.now.toISOString()}`,
})

const networkEvent = (hop: Hop, ctx: DecideContext, contractId: string) => ({
  id: `net-${hop.chainId}-${ctx.self}`,
  chainId: hop.chainId,
  contractId,
  peers: [hasUpstream(hop) ? hop.upstream : undefined, hasDownstream(hop) ? hop.downstream : undefined].filter((p): p is string => Boolean(p)),
  at: ctx.now,
})

/** The member cluster's side of a hop: only the two ends have one; supernodes and catalogs relay. */
export const roleOf = (hop: Hop): ClusterRole | undefined => (hop.position === 'origin' ? 'consumer' : hop.position === 'provider' ? 'provider' : undefined)

/**
 * The Network Manager's virtual router, for the agent of an end of the chain: in Liqo v1 the gateway
 * of this side of the peering, which the agent follows with the rest of the declarative peering.
 */
function deployVirtualRouter(hop: Hop, ctx: DecideContext, contract: Contract | undefined, contractId: string): HopCommand[] {
  const role = roleOf(hop)
  if (!role) return []
  const event = networkEvent(hop, ctx, contractId)
  const command: AgentCommandBody = {
    command: 'DEPLOY_VIRTUAL_ROUTER',
    chainId: hop.chainId,
    contractId,
    role,
    remoteClusterId: (role === 'consumer' ? contract?.peeringTargetCredentials.clusterId : contract?.buyerClusterId) ?? '',
    peers: event.peers,
    declarative: role === 'provider' || contract?.extraInformation?.[DECLARATIVE_PEERING_MARK.key] === DECLARATIVE_PEERING_MARK.value,
    ...(role === 'consumer' && contract ? withResources(contract) : {}),
    at: ctx.now.toISOString(),
  }
  return [{ kind: 'agent', command }]
}

const withResources = (contract: Contract) => {
  const resources = sliceResources(contract)
  return resources ? { resources } : {}
}

/** Tells an end's agent that its contract ended, so it removes what the contract alone needed. */
function tearDown(hop: Hop, reason: string): HopCommand[] {
  const role = roleOf(hop)
  if (!role || hop.state !== 'purchased' || !hop.remoteClusterId) return []
  return [{ kind: 'agent', command: { command: 'TEAR_DOWN', chainId: hop.chainId, role, remoteClusterId: hop.remoteClusterId, reason } }]
}

/** This hop's own contract: the provider's terms linked to its neighbours; only the buyer keeps the peering kubeconfig. */
function hopContract(hop: DownstreamHop, ctx: DecideContext, provider: Contract, downstreamContractId: string): Contract {
  return {
    ...provider,
    id: `contract-${hop.chainId}-${ctx.self}`,
    peeringTargetCredentials: hop.position === 'origin' ? provider.peeringTargetCredentials : { clusterId: provider.peeringTargetCredentials.clusterId, kubeconfig: '' },
    extraInformation: {
      ...provider.extraInformation,
      chainId: hop.chainId,
      downstreamContractId,
      ...(hop.position === 'relay' ? { upstream: hop.upstream } : {}),
      downstream: hop.downstream,
    },
    createdAt: ctx.now,
  }
}

// ── handlers, one per row or group of rows ────────────────────────────────────────────────────

const acceptReserve: Creator<'RESERVE'> = (_none, event, ctx) => {
  const index = event.route.indexOf(ctx.self)
  if (index < 1 || event.route[index - 1] !== event.from) return undefined
  const base = {
    chainId: event.chainId,
    route: event.route,
    upstream: event.from,
    ...(event.replyTo ? { upstreamUrl: event.replyTo } : {}),
    buyer: event.buyer,
    ...(event.buyerKubeconfig ? { buyerKubeconfig: event.buyerKubeconfig } : {}),
    flavourId: event.flavourId,
    providerId: event.providerId,
    ...(event.configuration ? { configuration: event.configuration } : {}),
    state: 'reserving' as const,
    timeline: [{ at: ctx.now, event: 'RESERVE_RECEIVED' as const, detail: `from ${event.from}` }],
    outbox: [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 0,
  }
  const downstream = event.route[index + 1]
  if (downstream === undefined) return { hop: { ...base, position: 'provider', deadline: waitDeadline('provider', ctx) }, commands: [{ kind: 'reserve-here' }] }
  const hop: Hop = { ...base, position: 'relay', downstream, deadline: waitDeadline('relay', ctx) }
  if (!ctx.downstreamProtocol) return fail(hop, ctx, { failure: { hop: hop.downstream, code: 'PEER_UNKNOWN', reason: `${hop.downstream} is not a known peer` }, phase: 'reserve', releaseDownstream: false })
  return forward(hop, ctx, reservePayload(hop))
}

const releaseBeforeReserve: Creator<'RELEASE'> = (_none, event, ctx) => {
  const index = event.route.indexOf(ctx.self)
  if (index < 1 || event.route[index - 1] !== event.from) return undefined
  const downstream = event.route[index + 1]
  const base = {
    chainId: event.chainId,
    route: event.route,
    upstream: event.from,
    buyer: { id: event.route[0] ?? event.from, ip: '', domain: '' },
    flavourId: '',
    providerId: event.route.at(-1) ?? ctx.self,
    state: 'released' as const,
    timeline: [{ at: ctx.now, event: 'RELEASED' as const, detail: `by ${event.from} before any RESERVE` }],
    outbox: [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 0,
  }
  return { hop: downstream === undefined ? { ...base, position: 'provider' } : { ...base, position: 'relay', downstream }, commands: [] }
}

const heldHere: Handler<'HELD'> = (hop, event, ctx) => ({
  hop: moveTo({ ...hop, transactionId: event.transactionId }, 'reserved', ctx, 'RESERVED', event.transactionId, event.expiresAt),
  commands: toUpstream(hop, ctx, { type: 'RESERVE_OK', transactionId: event.transactionId, expiresAt: event.expiresAt }),
})

const refused = (phase: Phase): Handler<'REFUSED'> => (hop, event, ctx) => fail(hop, ctx, { failure: event.failure, phase, releaseDownstream: false })

const reservedDownstream: Handler<'RESERVE_OK'> = (hop, event, ctx) => {
  const down = hop as DownstreamHop
  const transactionId = `${hop.chainId}-${ctx.self}`
  const reserved = moveTo({ ...down, downstreamTransactionId: event.transactionId, transactionId }, 'reserved', ctx, 'RESERVED', `downstream ${event.transactionId}`, event.expiresAt)
  if (reserved.position === 'origin') return reserved.deferPurchase ? { hop: reserved, commands: [] } : startPurchase(reserved, ctx)
  return { hop: reserved, commands: toUpstream(reserved, ctx, { type: 'RESERVE_OK', transactionId, expiresAt: event.expiresAt }) }
}

const startPurchase = (hop: DownstreamHop, ctx: DecideContext): Decision => forward(moveTo(hop, 'purchasing', ctx, 'PURCHASING'), ctx, { type: 'PURCHASE' })

const purchaseRequested: Handler<'PURCHASE_REQUESTED'> = (hop, _event, ctx) =>
  startPurchase(note({ ...(hop as DownstreamHop), deferPurchase: false } as DownstreamHop, ctx, 'PURCHASE_REQUESTED'), ctx)

const downstreamFailed = (phase: Phase): Handler<'RESERVE_FAIL' | 'PURCHASE_FAIL'> => (hop, event, ctx) => fail(hop, ctx, { failure: event.failure, phase, releaseDownstream: false })

const purchaseArrived: Handler<'PURCHASE'> = (hop, _event, ctx) => {
  const purchasing = moveTo(hop, 'purchasing', ctx, 'PURCHASING', `asked by ${(hop as UpstreamHop).upstream}`)
  if (purchasing.position === 'provider') return { hop: purchasing, commands: [{ kind: 'purchase-here', transactionId: purchasing.transactionId ?? '' }] }
  return forward(purchasing as DownstreamHop, ctx, { type: 'PURCHASE' })
}

const soldHere: Handler<'SOLD'> = (hop, event, ctx) => {
  const contract = event.contract
  const netEvent = networkEvent(hop, ctx, contract.id)
  return {
    hop: moveTo({ ...hop, contractId: contract.id, remoteClusterId: contract.buyerClusterId, peeringDue: after(ctx, PEERING_DEADLINE_SECONDS) }, 'purchased', ctx, 'PURCHASED', contract.id),
    commands: [
      ...toUpstream(hop, ctx, { type: 'PURCHASE_OK', contractId: contract.id, contract, ...(hop.transactionId ? { transactionId: hop.transactionId } : {}) }),
      ...deployVirtualRouter(hop, ctx, contract, contract.id),
      { kind: 'record', effects: { networkEvent: netEvent } },
    ],
  }
}

const purchasedDownstream: Handler<'PURCHASE_OK'> = (hop, event, ctx) => {
  const down = hop as DownstreamHop
  const contract = event.contract ? hopContract(down, ctx, event.contract, event.contractId) : undefined
  const contractId = contract?.id ?? `contract-${hop.chainId}-${ctx.self}`
  const netEvent = networkEvent(hop, ctx, contractId)
  const remoteClusterId = event.contract?.peeringTargetCredentials.clusterId
  const pendingPeering = down.position === 'origin' ? down.pendingPeering : undefined
  let next = moveTo(
    {
      ...withoutPending(down),
      contractId,
      downstreamContractId: event.contractId,
      ...(remoteClusterId ? { remoteClusterId } : {}),
      ...(contract ? { contractRecorded: true } : {}),
      ...(down.position === 'origin' ? { peeringDue: after(ctx, PEERING_DEADLINE_SECONDS) } : {}),
    },
    'purchased',
    ctx,
    'PURCHASED',
    contract ? contractId : `${contractId} (the provider confirmed the sale without its contract)`,
  )
  const commands: HopCommand[] = [...deployVirtualRouter(hop, ctx, event.contract, contractId), forget(hop)]
  if (next.position === 'origin') {
    if (contract) next = { ...next, deadline: contract.expiresAt }
    for (const step of pendingPeering ?? []) commands.push(...peerCommand(next, step))
    const allocation = { id: `allocation-${hop.chainId}`, type: 'VirtualNode' as const, status: 'inactive' as const, contractId, flavourId: hop.flavourId, createdAt: ctx.now, updatedAt: ctx.now }
    next = note({ ...next, allocationId: allocation.id }, ctx, 'VIRTUAL_NODE_ALLOCATED', allocation.id)
    commands.push({ kind: 'record', effects: { networkEvent: netEvent, allocation, ...(contract ? { contract } : {}) } })
  } else {
    const answer: ChainPayload = { type: 'PURCHASE_OK', contractId, ...(hop.transactionId ? { transactionId: hop.transactionId } : {}), ...(event.contract ? { contract: event.contract } : {}) }
    commands.push({ kind: 'record', effects: { networkEvent: netEvent, ...(contract ? { contract } : {}) } }, ...toUpstream(hop, ctx, answer))
  }
  return { hop: next, commands }
}

const deadlinePassed = (phase: Phase): Handler<'DEADLINE'> => (hop, _event, ctx) =>
  fail(note(hop, ctx, 'DEADLINE_PASSED', hop.deadline?.toISOString()), ctx, { failure: timeoutFailure(hop, ctx), phase, releaseDownstream: true })

/** Releases this hop and everything below it; a provider gives back its hold, or undoes its sale. */
function releaseAll(hop: Hop, ctx: DecideContext, why: string): Decision {
  const reason = why.slice(0, MAX_REASON)
  const commands: HopCommand[] = [...toDownstream(hop, ctx, { type: 'RELEASE', reason }), ...tearDown(hop, reason)]
  if (hop.position === 'provider' && hop.transactionId) {
    commands.push(hop.state === 'purchased' ? { kind: 'undo-sale', transactionId: hop.transactionId } : { kind: 'release-here', transactionId: hop.transactionId })
  }
  if (hop.state === 'purchased' && hop.contractRecorded && hop.contractId) commands.push({ kind: 'record', effects: { releasedContract: { id: hop.contractId, at: ctx.now } } })
  const released = moveTo(withoutPendingWork(hop), 'released', ctx, hop.state === 'purchased' ? 'SALE_UNDONE' : 'RELEASED', reason)
  return { hop: released, commands }
}

const releasedByUpstream: Handler<'RELEASE'> = (hop, event, ctx) => releaseAll(hop, ctx, `by ${event.from}: ${event.reason}`)

/** The consumer ends its chain: everything below releases, and its VirtualNode allocation goes too. */
function releaseAtOrigin(hop: Hop, ctx: DecideContext, why: string): Decision {
  const decision = releaseAll(hop, ctx, why)
  const allocationId = hop.position === 'origin' ? hop.allocationId : undefined
  return allocationId ? { ...decision, commands: [...decision.commands, { kind: 'record', effects: { releasedAllocation: { id: allocationId, at: ctx.now } } }] } : decision
}

const releaseRequested: Handler<'RELEASE_REQUESTED'> = (hop, event, ctx) =>
  releaseAtOrigin(note(hop, ctx, 'RELEASE_REQUESTED', event.reason), ctx, `by ${ctx.self}: ${event.reason}`)

const contractEnded: Handler<'DEADLINE'> = (hop, _event, ctx) =>
  releaseAtOrigin(note(hop, ctx, 'DEADLINE_PASSED', `the contract ended at ${hop.deadline?.toISOString()}`), ctx, 'the contract ended')

const withoutPending = <H extends Hop>(hop: H): H => {
  if (hop.position !== 'origin' || !hop.pendingPeering) return hop
  const { pendingPeering: _done, ...rest } = hop
  return rest as H
}

/** The PEER command for this end's agent: one step of the other end's peering data. */
const peerCommand = (hop: Hop, message: PeeringMessage): HopCommand[] => {
  const role = roleOf(hop)
  return role && hop.remoteClusterId ? [{ kind: 'agent', command: { command: 'PEER', chainId: hop.chainId, role, remoteClusterId: hop.remoteClusterId, ...message } }] : []
}

/** A supernode or catalog passes a peering step on, towards the end that did not send it. */
const relayPeering: Handler<'PEERING'> = (hop, event, ctx) => {
  const relay = hop as RelayHop
  const to = event.from === relay.downstream ? relay.upstream : relay.downstream
  return { hop: note(hop, ctx, 'PEERING_RELAYED', `${event.step} to ${to}`), commands: [outgoing(hop, ctx, to, { type: 'PEERING', step: event.step, data: event.data })] }
}

/** A step reaching the origin before its PURCHASE_OK waits in the hop until the purchase completes. */
const holdPeering: Handler<'PEERING'> = (hop, event, ctx) => {
  const origin = hop as OriginHop
  const kept = (origin.pendingPeering ?? []).filter((m) => m.step !== event.step)
  return { hop: note({ ...origin, pendingPeering: [...kept, { step: event.step, data: event.data }] }, ctx, 'PEERING_RECEIVED', `${event.step}, kept until purchased`), commands: [] }
}

const peeringArrived: Handler<'PEERING'> = (hop, event, ctx) => ({
  hop: note(hop, ctx, 'PEERING_RECEIVED', event.step),
  commands: peerCommand(hop, { step: event.step, data: event.data }),
})

/** This end's agent hands a step over: it goes to the neighbour towards the other end. */
const peeringOut: Handler<'PEERING_OUT'> = (hop, event, ctx) => {
  const to = hasDownstream(hop) ? hop.downstream : (hop as UpstreamHop).upstream
  return { hop: note(hop, ctx, 'PEERING_SENT', `${event.step} to ${to}`), commands: [outgoing(hop, ctx, to, { type: 'PEERING', step: event.step, data: event.data })] }
}

const reservationExpired: Handler<'DEADLINE'> = (hop, _event, ctx) => releaseAll(hop, ctx, `reservation expired at ${hop.deadline?.toISOString()}`)

const lateAnswer: Handler<'RESERVE_OK' | 'PURCHASE_OK'> = (hop, event, ctx) => ({
  hop: note(hop, ctx, 'LATE_ANSWER_RELEASED', `${event.type} after ${hop.state}`),
  commands: toDownstream(hop, ctx, { type: 'RELEASE', reason: `${event.type} came after the chain was ${hop.state}` }),
})

// ── the table ─────────────────────────────────────────────────────────────────────────────────

const row = <T extends HopEventType>(state: Row['state'], event: T, positions: readonly HopPosition[], to: readonly HopState[], does: string, run: Handler<T> | Creator<T>): Row =>
  ({ state, event, positions, to, does, run }) as unknown as Row

/**
 * Every transition of a chain hop: (state, event, position) → next states and what is done. An event
 * not in the table is ignored (a duplicate, a late answer already handled, or a stranger's message).
 */
export const HOP_TABLE: readonly Row[] = [
  row('absent', 'RESERVE', BELOW_ORIGIN, ['reserving', 'failed'], 'relay: forward downstream (or call the Go provider); provider: hold capacity; unknown downstream: fail', acceptReserve),
  row('absent', 'RELEASE', BELOW_ORIGIN, ['released'], 'remember the release, so a RESERVE arriving after it is ignored', releaseBeforeReserve),
  row('reserving', 'HELD', ['provider'], ['reserved'], 'RESERVE_OK upstream', heldHere),
  row('reserving', 'REFUSED', ALL, ['failed'], 'refused here, by a Go provider, or downstream unreachable: RESERVE_FAIL upstream', refused('reserve')),
  row('reserving', 'RESERVE_OK', ABOVE_PROVIDER, ['reserved', 'purchasing'], 'relay: RESERVE_OK upstream; origin: PURCHASE downstream unless deferred', reservedDownstream),
  row('reserving', 'RESERVE_FAIL', ABOVE_PROVIDER, ['failed'], 'RESERVE_FAIL upstream; a flavour gone is forgotten', downstreamFailed('reserve')),
  row('reserving', 'RELEASE', BELOW_ORIGIN, ['released'], 'RELEASE downstream', releasedByUpstream),
  row('reserving', 'DEADLINE', ALL, ['failed'], 'HOP_TIMEOUT: RESERVE_FAIL upstream, RELEASE downstream', deadlinePassed('reserve')),
  row('reserved', 'PURCHASE', BELOW_ORIGIN, ['purchasing'], 'relay: forward (or call the Go provider); provider: sell', purchaseArrived),
  row('reserved', 'PURCHASE_REQUESTED', ['origin'], ['purchasing'], 'PURCHASE downstream (a deferred purchase)', purchaseRequested),
  row('reserved', 'RELEASE', BELOW_ORIGIN, ['released'], 'RELEASE downstream; provider: give back the hold', releasedByUpstream),
  row('reserved', 'DEADLINE', ALL, ['released'], 'the reservation expired: RELEASE downstream; provider: give back the hold', reservationExpired),
  row('purchasing', 'SOLD', ['provider'], ['purchased'], 'PURCHASE_OK upstream, Network Manager event', soldHere),
  row('purchasing', 'REFUSED', ALL, ['failed'], 'refused here, by a Go provider, or downstream unreachable: PURCHASE_FAIL upstream', refused('purchase')),
  row('purchasing', 'PURCHASE_OK', ABOVE_PROVIDER, ['purchased'], 'only naming the transaction downstream reserved: own contract; relay: PURCHASE_OK upstream; origin: VirtualNode allocation; forget the sold flavour', purchasedDownstream),
  row('purchasing', 'PURCHASE_FAIL', ABOVE_PROVIDER, ['failed'], 'PURCHASE_FAIL upstream', downstreamFailed('purchase')),
  row('purchasing', 'RELEASE', ['relay'], ['released'], 'RELEASE downstream (the origin gave up)', releasedByUpstream),
  row('purchasing', 'DEADLINE', ALL, ['failed'], 'HOP_TIMEOUT: PURCHASE_FAIL upstream, RELEASE downstream', deadlinePassed('purchase')),
  row('reserved', 'RELEASE_REQUESTED', ['origin'], ['released'], 'the consumer gives the reservation up: RELEASE downstream', releaseRequested),
  row('purchased', 'RELEASE_REQUESTED', ['origin'], ['released'], 'tear-down: RELEASE downstream, VirtualNode allocation released', releaseRequested),
  row('purchased', 'RELEASE', BELOW_ORIGIN, ['released'], 'relay: RELEASE downstream; provider: undo the sale (capacity back, flavour re-offered, allocation released)', releasedByUpstream),
  row('failed', 'RELEASE', BELOW_ORIGIN, ['released'], 'RELEASE downstream', releasedByUpstream),
  row('failed', 'RESERVE_OK', ABOVE_PROVIDER, ['failed'], 'a late reservation: RELEASE downstream', lateAnswer),
  row('failed', 'PURCHASE_OK', ABOVE_PROVIDER, ['failed'], 'a late sale: RELEASE downstream, which undoes it', lateAnswer),
  row('released', 'RESERVE_OK', ABOVE_PROVIDER, ['released'], 'a late reservation: RELEASE downstream', lateAnswer),
  row('released', 'PURCHASE_OK', ABOVE_PROVIDER, ['released'], 'a late sale: RELEASE downstream, which undoes it', lateAnswer),
  row('purchased', 'DEADLINE', ['origin'], ['released'], 'the contract ended: tear-down as on RELEASE_REQUESTED', contractEnded),
  row('purchasing', 'PEERING', ['relay'], ['purchasing'], 'pass the peering step on towards the other end', relayPeering),
  row('purchased', 'PEERING', ['relay'], ['purchased'], 'pass the peering step on towards the other end', relayPeering),
  row('purchasing', 'PEERING', ['origin'], ['purchasing'], 'a provider step ahead of PURCHASE_OK: keep it until purchased', holdPeering),
  row('purchased', 'PEERING', ['origin', 'provider'], ['purchased'], "PEER command to this cluster's agent", peeringArrived),
  row('purchased', 'PEERING_OUT', ['origin', 'provider'], ['purchased'], "the agent's step: PEERING to the neighbour towards the other end", peeringOut),
]

/** The states each state may move to, derived from the table. */
export const TRANSITIONS: Record<HopState, readonly HopState[]> = Object.fromEntries(
  (['reserving', 'reserved', 'purchasing', 'purchased', 'failed', 'released'] as const).map((state) => [
    state,
    [...new Set(HOP_TABLE.flatMap((r) => (r.state === state ? r.to.filter((to) => to !== state) : [])))],
  ]),
) as unknown as Record<HopState, readonly HopState[]>

/** Only the expected neighbour may send each message; TIMEOUT is this participant's own and counts only in its phase. */
function admit(hop: Hop | undefined, event: HopEvent, ctx: DecideContext): HopEvent | undefined {
  if (event.type === 'DEADLINE') return hop?.deadline && hop.deadline <= ctx.now ? event : undefined
  if (event.type === 'PEERING_OUT') return hop && roleOf(hop) === PEERING_SENDER[event.step] ? event : undefined
  if (!('from' in event)) return event
  switch (event.type) {
    case 'TIMEOUT':
      if (event.from !== ctx.self || !hop) return undefined
      return hop.state === (event.phase === 'reserve' ? 'reserving' : 'purchasing') ? { type: 'DEADLINE' } : undefined
    case 'RESERVE':
      return hop ? undefined : event
    case 'PURCHASE':
    case 'RELEASE':
      return !hop || (hasUpstream(hop) && event.from === hop.upstream) ? event : undefined
    case 'PEERING': {
      const fromProviderSide = PEERING_SENDER[event.step] === 'provider'
      const expected = hop && (fromProviderSide ? (hasDownstream(hop) ? hop.downstream : undefined) : hasUpstream(hop) ? hop.upstream : undefined)
      return expected !== undefined && event.from === expected ? event : undefined
    }
    default:
      return hop && hasDownstream(hop) && event.from === hop.downstream && !answerMismatch(hop, event) ? event : undefined
  }
}

/**
 * Why an answer from downstream is not about this hop's transaction: a PURCHASE_OK must name the
 * transaction that downstream's RESERVE_OK gave this hop (older senders name none and are let through).
 */
export function answerMismatch(hop: Hop | undefined, event: HopEvent): string | undefined {
  if (!hop || event.type !== 'PURCHASE_OK' || event.transactionId === undefined) return undefined
  const held = 'downstreamTransactionId' in hop ? hop.downstreamTransactionId : undefined
  return event.transactionId === held ? undefined : `PURCHASE_OK for transaction ${event.transactionId}, but this hop holds ${held ?? 'none'} downstream`
}

/**
 * The chain's state machine: a pure function of the stored hop (undefined before the first message),
 * the event and the context, returning the next hop and the commands the runner carries out.
 * Undefined means "ignore": the event changes nothing here.
 */
export function decide(hop: Hop | undefined, event: HopEvent, ctx: DecideContext): Decision | undefined {
  const admitted = admit(hop, event, ctx)
  if (!admitted) return undefined
  const state = hop?.state ?? 'absent'
  const rule = HOP_TABLE.find((r) => r.state === state && r.event === admitted.type && (!hop || r.positions.includes(hop.position)))
  return rule ? (rule.run as (h: Hop | undefined, e: HopEvent, c: DecideContext) => Decision | undefined)(hop, admitted, ctx) : undefined
}

/** The origin's first decision: a new chain that reserves along `route`. */
export function originate(hop: Omit<Extract<Hop, { position: 'origin' }>, 'state' | 'timeline' | 'outbox' | 'deadline' | 'version' | 'createdAt' | 'updatedAt'>, ctx: DecideContext): Decision {
  const origin: Hop = {
    ...hop,
    state: 'reserving',
    deadline: waitDeadline('origin', ctx),
    timeline: [{ at: ctx.now, event: 'CHAIN_STARTED', detail: hop.route.join(' → ') }, ...(hop.deferPurchase ? [{ at: ctx.now, event: 'PURCHASE_DEFERRED' as const }] : [])],
    outbox: [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 0,
  }
  return forward(origin, ctx, reservePayload(origin))
}

