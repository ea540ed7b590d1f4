import { ContentionError, PeerUnavailableError, isRearError } from '../shared/errors.ts'
import { retryOnContention } from '../shared/retry.ts'
import { reserveFlavour } from '../reservations/reserve-flavour.ts'
import { purchaseFlavour } from '../contracts/purchase-flavour.ts'
import { undoPurchase } from '../contracts/undo-purchase.ts'
import { sealedForStorage } from '../contracts/sealed-credentials.ts'
import type { Peer } from '../peers/model.ts'
import type { ChainDeps } from './chain-deps.ts'
import type { DecideContext } from './hop-machine.ts'
import { answerMismatch, decide } from './hop-machine.ts'
import type { ChainFailure, ChainMessage, GoCall, Hop, HopCommand, HopEvent, OutboxEntry } from './model.ts'
import { MAX_REASON, hasDownstream, hasUpstream, isForward, isGoCall, isOutboxEntry } from './model.ts'
import type { HopEffects } from './ports.ts'

/** How long a FLUIDOS Go transaction holds when its receipt carries no expiry (the Go node's is 1 h). */
export const GO_TRANSACTION_TTL_MS = 3_600_000
/** Save rounds a drain may take against concurrent writers before leaving the rest to redelivery. */
const MAX_DRAIN_ROUNDS = 8

const failureFrom = (hop: string, error: unknown): ChainFailure => {
  const reason = (error instanceof Error ? error.message : String(error)).slice(0, MAX_REASON)
  return isRearError(error) ? { hop, code: error.code, reason } : { hop, code: 'INTERNAL', reason }
}

function downstreamOf(hop: Hop | undefined, event: HopEvent, self: string): string | undefined {
  if (hop) return hasDownstream(hop) ? hop.downstream : undefined
  if (event.type !== 'RESERVE') return undefined
  const index = event.route.indexOf(self)
  return index >= 0 ? event.route[index + 1] : undefined
}

async function contextFor(deps: ChainDeps, hop: Hop | undefined, event: HopEvent): Promise<DecideContext> {
  const downstream = downstreamOf(hop, event, deps.self.id)
  const peer = downstream ? await deps.peers.get(downstream) : undefined
  return {
    self: deps.self.id,
    ...(deps.selfUrl ? { selfUrl: deps.selfUrl } : {}),
    now: deps.clock.now(),
    settings: deps.settings,
    ...(peer ? { downstreamProtocol: peer.protocol } : {}),
  }
}

/** Runs a provider use case the table asked for; reserve and purchase answer with an event for the table. */
async function runHere(deps: ChainDeps, hop: Hop, command: Extract<HopCommand, { kind: 'reserve-here' | 'purchase-here' | 'release-here' | 'undo-sale' }>): Promise<HopEvent | undefined> {
  try {
    switch (command.kind) {
      case 'reserve-here': {
        const tx = await reserveFlavour(deps.reserve, {
          flavourId: hop.flavourId,
          reservationKey: `${hop.buyer.id}#${hop.chainId}`,
          buyer: hop.buyer,
          ...(hop.buyerKubeconfig ? { buyerKubeconfig: hop.buyerKubeconfig } : {}),
          ...(hop.configuration ? { configuration: hop.configuration } : {}),
        })
        return { type: 'HELD', transactionId: tx.id, expiresAt: tx.expiresAt }
      }
      case 'purchase-here':
        return { type: 'SOLD', contract: await purchaseFlavour(deps.purchase, command.transactionId, { declarativePeering: true }) }
      case 'release-here': {
        const tx = await deps.reserve.reservations.getTransaction(command.transactionId)
        if (tx && (await deps.reserve.reservations.releaseHold(tx, 'released', deps.clock.now()))) deps.logger.info('RESERVATION_RELEASED', { transactionId: tx.id, chainId: hop.chainId })
        return undefined
      }
      case 'undo-sale':
        await undoPurchase(deps.purchase, command.transactionId)
        return undefined
    }
  } catch (error) {
    if (!isRearError(error) || command.kind === 'release-here' || command.kind === 'undo-sale' || error instanceof ContentionError) throw error
    return { type: 'REFUSED', failure: failureFrom(deps.self.id, error) }
  }
}

interface Outcome {
  hop: Hop
  effects: HopEffects
}

/**
 * Decides, runs the provider use cases the decision asks for (feeding their answers back to the
 * table, before anything is saved), and collects what to write and what to put in the outbox.
 * The use cases are idempotent per chain, so a retried attempt repeats them harmlessly.
 */
async function settle(deps: ChainDeps, hop: Hop | undefined, event: HopEvent): Promise<Outcome | undefined> {
  const ctx = await contextFor(deps, hop, event)
  const first = decide(hop, event, ctx)
  if (!first) return undefined
  let current = first.hop
  let effects: HopEffects = {}
  const outbox: OutboxEntry[] = []
  const pending = [...first.commands]
  for (let command = pending.shift(); command; command = pending.shift()) {
    if (command.kind === 'record') effects = { ...effects, ...command.effects }
    else if (isOutboxEntry(command)) outbox.push(command)
    else {
      const answer = await runHere(deps, current, command)
      const next = answer && decide(current, answer, ctx)
      if (next) {
        current = next.hop
        pending.push(...next.commands)
      }
    }
  }
  return { hop: { ...current, outbox: [...current.outbox, ...outbox] }, effects }
}

/** Drops the settled Go call from the outbox: its answer is being applied, or it no longer matters. */
const withoutGoCall = (hop: Hop, kind: GoCall['kind']): Hop => ({ ...hop, outbox: hop.outbox.filter((e) => e.kind !== kind) })

/**
 * Applies one event to this participant's hop, at least once: decide, run, then commit the hop with
 * its contract, allocation and network event in one conditional write; the outbox is drained after.
 * A duplicate finds the state already moved and changes nothing. `settles` names the Go call whose
 * answer this is, removed from the outbox in the same write.
 */
export async function applyEvent(deps: ChainDeps, chainId: string, event: HopEvent, settles?: GoCall['kind']): Promise<Hop | undefined> {
  const saved = await retryOnContention(deps.clock, async (): Promise<Hop | undefined> => {
    const stored = await deps.hops.get(chainId)
    const outcome = await settle(deps, stored, event)
    if (!outcome) {
      const mismatch = answerMismatch(stored, event)
      if (mismatch) deps.logger.warn('CHAIN_ANSWER_MISMATCH', { chainId, event: event.type, ...('from' in event ? { from: event.from } : {}), detail: mismatch })
      if (!stored || !settles || !stored.outbox.some((e) => e.kind === settles)) return stored
      const cleared = { ...withoutGoCall(stored, settles), version: stored.version + 1 }
      await deps.hops.save(cleared, stored.version)
      return cleared
    }
    const hop = settles ? withoutGoCall(outcome.hop, settles) : outcome.hop
    if (!stored) {
      if (!(await deps.hops.create(hop, outcome.effects))) return undefined
      deps.logger.info('CHAIN_STEP', { chainId, event: event.type, state: hop.state })
      return { ...hop, version: 0 }
    }
    const next = { ...hop, version: stored.version + 1 }
    await deps.hops.save(next, stored.version, outcome.effects)
    deps.logger.info('CHAIN_STEP', { chainId, event: event.type, ...('from' in event ? { from: event.from } : {}), state: next.state })
    return next
  })
  await drainOutbox(deps, chainId, saved)
  return saved
}

/** Processes one chain message from a neighbour (or this participant's own delayed TIMEOUT). */
export function handleChainMessage(deps: ChainDeps, msg: ChainMessage): Promise<Hop | undefined> {
  const event = { ...msg.payload, from: msg.from, chainId: msg.chainId, route: msg.route, ...(msg.replyTo ? { replyTo: msg.replyTo } : {}) } as HopEvent
  return applyEvent(deps, msg.chainId, event)
}

/** The registered peer, or for the upstream of a relay or provider, the address its RESERVE came from. */
async function peerFor(deps: ChainDeps, hop: Hop, to: string): Promise<Peer> {
  const peer = await deps.peers.get(to)
  if (peer) return peer
  if (hasUpstream(hop) && to === hop.upstream && hop.upstreamUrl) return { id: to, domain: '', role: 'node', baseUrl: hop.upstreamUrl, protocol: 'rear-cloud' }
  throw new PeerUnavailableError(to, 'is not a known peer', { code: 'PEER_UNKNOWN' })
}

async function deliver(deps: ChainDeps, hop: Hop, entry: Extract<OutboxEntry, { kind: 'message' | 'agent' | 'forget' }>): Promise<void> {
  if (entry.kind === 'agent') return deps.agent.send(entry.command)
  if (entry.kind === 'forget') return void (await Promise.all((deps.learnt ?? []).map((store) => store.forget(entry.providerId, entry.flavourId))))
  const { message } = entry
  if (message.to === deps.self.id) return deps.queue.enqueue(message, entry.delaySeconds)
  await deps.transport.send(await peerFor(deps, hop, message.to), message)
}

const isForwardDownstream = (hop: Hop, entry: OutboxEntry) => entry.kind === 'message' && hasDownstream(hop) && entry.message.to === hop.downstream && isForward(entry)

const unreachable = (error: unknown) => isRearError(error) && (error.kind === 'peer-unavailable' || error.kind === 'peer-timeout')

/**
 * Calls a FLUIDOS Go provider at most once per decision: the attempt is counted in the hop (a
 * conditional save) before the call, so a concurrent or retried drain never calls again unless the
 * answer was truly lost, and then the client reads Go's refusal of a repeated purchase as the sale.
 */
async function callGoProvider(deps: ChainDeps, hop: Hop, entry: GoCall): Promise<void> {
  if (!hasDownstream(hop)) return
  const claimed = { ...hop, outbox: hop.outbox.map((e) => (e === entry ? { ...entry, attempts: entry.attempts + 1 } : e)), version: hop.version + 1 }
  await deps.hops.save(claimed, hop.version)
  const from = { from: hop.downstream, chainId: hop.chainId, route: hop.route }
  let event: HopEvent
  try {
    const peer = await deps.peers.get(hop.downstream)
    if (!peer) throw new PeerUnavailableError(hop.downstream, 'is not a known peer', { code: 'PEER_UNKNOWN' })
    if (entry.kind === 'go-reserve') {
      const request = { flavourId: hop.flavourId, buyer: hop.buyer, ...(hop.buyerKubeconfig ? { buyerKubeconfig: hop.buyerKubeconfig } : {}), ...(hop.configuration ? { configuration: hop.configuration } : {}) }
      const tx = await deps.goProviders.reserve(peer, request)
      event = { type: 'RESERVE_OK', ...from, transactionId: tx.transactionId, expiresAt: tx.expiresAt ?? new Date(deps.clock.now().getTime() + GO_TRANSACTION_TTL_MS) }
    } else {
      const bought = await deps.goProviders.purchase(peer, { transactionId: hop.downstreamTransactionId ?? '', flavourId: hop.flavourId, retry: entry.attempts > 0 })
      // A Go provider answers its kubeconfig in clear: sealed here (to the origin when it has a sealing key) before it is stored or relayed.
      const contract = bought.contract ? await sealedForStorage(deps.purchase.sealing, bought.contract, hop.route[0]) : undefined
      event = { type: 'PURCHASE_OK', ...from, contractId: bought.contractId, ...(contract ? { contract } : {}) }
    }
  } catch (error) {
    if (!isRearError(error)) throw error
    event = { type: 'REFUSED', failure: failureFrom(hop.downstream, error) }
  }
  await applyEvent(deps, hop.chainId, event, entry.kind)
}

/**
 * Carries out a hop's outbox and removes what was done. A forward that cannot reach downstream fails
 * the chain at once (upstream is told); any other failure leaves the entry for the queue's redelivery
 * or the sweeper.
 */
export async function drainOutbox(deps: ChainDeps, chainId: string, saved?: Hop): Promise<void> {
  let known = saved
  for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
    const hop = known ?? (await deps.hops.get(chainId))
    known = undefined
    if (!hop || hop.outbox.length === 0) return
    const kept: OutboxEntry[] = []
    let retryLater: unknown
    let refusal: ChainFailure | undefined
    for (const entry of hop.outbox) {
      if (isGoCall(entry)) {
        kept.push(entry)
        continue
      }
      try {
        await deliver(deps, hop, entry)
      } catch (error) {
        if (isForwardDownstream(hop, entry) && unreachable(error)) refusal ??= failureFrom(entry.kind === 'message' ? entry.message.to : deps.self.id, error)
        else {
          kept.push(entry)
          retryLater ??= error
        }
      }
    }
    const changed = kept.length !== hop.outbox.length
    const next = changed ? { ...hop, outbox: kept, version: hop.version + 1 } : hop
    try {
      if (changed) await deps.hops.save(next, hop.version)
    } catch (error) {
      if (error instanceof ContentionError) continue
      throw error
    }
    if (refusal) return void (await applyEvent(deps, chainId, { type: 'REFUSED', failure: refusal }))
    const goCall = kept.find(isGoCall)
    if (goCall && !retryLater) {
      try {
        return await callGoProvider(deps, next, goCall)
      } catch (error) {
        if (error instanceof ContentionError) continue
        throw error
      }
    }
    if (retryLater) throw retryLater
    return
  }
}
