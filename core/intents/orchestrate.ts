import { ContentionError, isRearError } from '../shared/errors.ts'
import type { Clock, IdGenerator, Logger } from '../shared/ports.ts'
import type { NodeIdentity } from '../flavours/model.ts'
import type { ChainDeps } from '../chain/chain-deps.ts'
import type { Hop } from '../chain/model.ts'
import { purchaseChain, releaseChain, startChain } from '../chain/start-chain.ts'
import { deployWorkload } from '../chain/cluster-work.ts'
import type { RemoteFlavourRepository } from '../discovery/ports.ts'
import type { DiscoveryDeps } from '../discovery/search-flavours.ts'
import { newRequest, searchFlavours } from '../discovery/search-flavours.ts'
import type { ProviderStatsRepository } from '../providers/ports.ts'
import type { Intent, IntentAttempt, IntentCandidate, IntentFailure, IntentMessage, IntentPhase, OrchestratorStep } from './model.ts'
import { MAX_KEPT_CANDIDATES, MAX_STEPS, isFinalPhase } from './model.ts'
import type { IntentQueue, IntentRepository } from './ports.ts'
import type { CallbackSender } from './webhook.ts'
import type { RankedCandidate } from './rank-candidates.ts'
import { rankCandidates } from './rank-candidates.ts'
import { configurationFor, describeNeed, factsOf, satisfies, selectorOf } from './decompose.ts'
import { noted } from './timeline.ts'
import { deliverCallback } from './callbacks.ts'

/** Everything the Node Orchestrator works with at the consumer node. */
export interface OrchestratorDeps {
  self: NodeIdentity
  intents: IntentRepository
  queue: IntentQueue
  callbacks: CallbackSender
  /** The chain as the consumer's operations route uses it (start, purchase, release, deploy). */
  chain: ChainDeps & { candidates: RemoteFlavourRepository }
  discovery: DiscoveryDeps
  providerStats: ProviderStatsRepository
  clock: Clock
  ids: IdGenerator
  logger: Logger
}

/** Shortest and longest wait between two looks at something the orchestrator waits on, in seconds. */
const MIN_WAIT_SECONDS = 1
const MAX_WAIT_SECONDS = 5

/** The outcome of one step: the intent as it leaves it, what comes next, and work done once it is saved. */
interface Turn {
  intent: Intent
  /** The next step now (`delaySeconds` 0) or after a wait; absent when the intent is over. */
  next?: { step: OrchestratorStep; delaySeconds: number }
  after?: (() => Promise<void>)[]
}

type StepHandler = (deps: OrchestratorDeps, intent: Intent, now: Date) => Promise<Turn>

const at = (deps: OrchestratorDeps, intent: Intent, now: Date, step: number, message: string) => noted(intent, now, step, deps.self.id, message)

const go = (intent: Intent, step: OrchestratorStep): Turn => ({ intent: { ...intent, waits: 0 }, next: { step, delaySeconds: 0 } })
const wait = (intent: Intent): Turn => ({
  intent: { ...intent, waits: intent.waits + 1 },
  next: { step: intent.step, delaySeconds: Math.min(MAX_WAIT_SECONDS, MIN_WAIT_SECONDS + intent.waits) },
})
const solved = (intent: Intent): Turn => ({ intent: { ...intent, phase: 'Solved', step: 'done' } })
const failed = (intent: Intent, failure: IntentFailure): Turn => ({ intent: { ...intent, phase: 'Failed', step: 'done', failure } })

const key = (c: { providerId: string; flavourId: string }) => `${c.providerId}#${c.flavourId}`
const tried = (intent: Intent) => new Set(intent.attempts.map(key))
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error))
const codeOf = (error: unknown) => (isRearError(error) ? error.code : 'INTERNAL')

function candidateOf(ranked: RankedCandidate, why: string): IntentCandidate {
  return {
    providerId: ranked.providerId,
    flavourId: ranked.flavour.id,
    route: ranked.route,
    score: Math.round(ranked.score * 1000) / 1000,
    terms: ranked.terms.map((t) => ({ name: t.name, weight: t.weight, value: Math.round(t.value * 1000) / 1000, why: t.why })),
    why,
  }
}

const describeCandidate = (c: IntentCandidate) => `${c.flavourId} of ${c.providerId} via ${c.route.join(' → ')} (score ${c.score})`

/** Fresh Peering Candidates serving the need, not yet tried for this intent. */
async function freshCandidates(deps: OrchestratorDeps, intent: Intent, now: Date) {
  const done = tried(intent)
  const fresh = await deps.chain.candidates.listFresh(intent.need.type, now)
  return fresh.filter((entry) => entry.route.length > 0 && satisfies(entry.flavour, intent.need) && !done.has(key({ providerId: factsOf(entry).providerId, flavourId: entry.flavour.id })))
}

function updateAttempt(intent: Intent, operationId: string, change: Partial<IntentAttempt>): Intent {
  return { ...intent, attempts: intent.attempts.map((a) => (a.operationId === operationId ? { ...a, ...change } : a)) }
}

const recordChain = (deps: OrchestratorDeps, attempt: IntentAttempt, success: boolean, now: Date) => () =>
  deps.providerStats.recordChain(attempt.providerId, { success, answerMs: Math.max(0, now.getTime() - attempt.startedAt.getTime()), at: now })

/** A chain given up: released if it holds something, left to its own deadline while in flight. */
async function letGo(deps: OrchestratorDeps, operationId: string, why: string): Promise<Hop | undefined> {
  try {
    return await releaseChain(deps.chain, operationId, why)
  } catch (error) {
    if (isRearError(error) && (error.code === 'OPERATION_IN_FLIGHT' || error.code === 'OPERATION_NOT_FOUND')) return deps.chain.hops.get(operationId)
    throw error
  }
}

/** The candidate bought becomes the chosen one when failover moved past the winner; the runner-up is the next by rank. */
function chooseBought(intent: Intent, bought: IntentAttempt): Pick<Intent, 'chosen' | 'runnerUp'> {
  const index = intent.candidates.findIndex((c) => key(c) === key(bought))
  const chosen = intent.candidates[index]
  if (!chosen || !intent.chosen || key(chosen) === key(intent.chosen)) return { ...(intent.chosen ? { chosen: intent.chosen } : {}), ...(intent.runnerUp ? { runnerUp: intent.runnerUp } : {}) }
  const passed = intent.attempts.filter((a) => a.outcome === 'failed' && a.reason).map((a) => `${a.flavourId} of ${a.providerId}: ${a.reason}`)
  const runnerUp = intent.candidates[index + 1]
  return { chosen: { ...chosen, why: `next by rank (ranked ${index + 1}) after ${passed.join('; ') || 'the better ones could not be had'}` }, ...(runnerUp ? { runnerUp } : {}) }
}

/**
 * Chain ids named after the intent step that starts them (`chain-<intent>-<step count>-<n>`): a
 * second delivery of that step racing the first starts the same chains again, which their hops
 * already hold, instead of new reservations nobody would release.
 */
function stepChainIds(ids: IdGenerator, base: string): IdGenerator {
  let n = 0
  return {
    next: (prefix = '') => (prefix === 'chain-' ? `chain-${base}-${++n}` : ids.next(prefix)),
    transactionId: (now) => ids.transactionId(now),
    hex: (length) => ids.hex(length),
  }
}

const STEPS: Record<OrchestratorStep, StepHandler> = {
  /** Seed step 2: the intent becomes one resource request (a flavour selector). */
  async decompose(deps, intent, now) {
    const running = at(deps, { ...intent, phase: 'Running' }, now, 2, `decomposed into one request: ${describeNeed(intent.need)}; action ${intent.action}`)
    return go(running, 'local-resources')
  },

  /**
   * Seed steps 3–4: this node's own Available Resources and the Ratings & Metrics table. A node does
   * not buy from itself (startChain refuses its own flavours: no chain, no contract, no virtual node),
   * so matching own flavours are reported and passed over; the request goes to the REAR Manager.
   */
  async 'local-resources'(deps, intent, now) {
    const own = (await deps.discovery.flavours.listAvailable(intent.need.type)).filter((flavour) => satisfies(flavour, intent.need))
    const known = (await deps.providerStats.list()).length
    const looked = at(
      deps,
      intent,
      now,
      3,
      `Available Resources: ${own.length} own flavour(s) match${own.length ? ' (a node does not sell to itself: passed over)' : ''}; Ratings & Metrics: ${known} provider(s) known`,
    )
    return go(at(deps, looked, now, 4, 'no suitable local resources: request passed to the REAR Manager'), 'peering-candidates')
  },

  /** Seed steps 5–6: fresh Peering Candidates first; none, and a selector goes to discovery. */
  async 'peering-candidates'(deps, intent, now) {
    const fresh = await freshCandidates(deps, intent, now)
    if (fresh.length > 0) return go(at(deps, intent, now, 5, `${fresh.length} fresh Peering Candidate(s) match: no discovery needed`), 'rank')
    const none = at(deps, intent, now, 5, 'no fresh Peering Candidate matches')
    return go(at(deps, none, now, 6, `flavour selector built for the Discovery Manager: ${describeNeed(intent.need)}`), 'discover')
  },

  /** Seed steps 7–16: LIST_FLAVOURS through this node's supernode (and whoever it asks); the answers become Peering Candidates. */
  async discover(deps, intent, now) {
    const rediscovery = intent.timeline.some((entry) => entry.step === 16)
    const asked = at(deps, intent, now, 7, `LIST_FLAVOURS sent to the known peers${rediscovery ? ' again (fresh)' : ''}`)
    const answer = await searchFlavours(deps.discovery, newRequest(deps.discovery, selectorOf(intent.need), intent.id, rediscovery ? { fresh: true } : {}), { fanOut: true })
    const remote = answer.results.filter((item) => item.route.length > 1 && satisfies(item.flavour, intent.need))
    const failures = answer.failed.length ? `; no answer from ${answer.failed.map((f) => `${f.peerId} (${f.kind})`).join(', ')}` : ''
    const stored = at(deps, asked, deps.clock.now(), 16, `discovery answered ${remote.length} candidate(s), stored as Peering Candidates${failures}`)
    if (remote.length === 0) return failed(stored, { step: 16, code: 'NO_CANDIDATE', reason: `discovery found no flavour serving ${describeNeed(intent.need)}${failures}` })
    return go(stored, 'rank')
  },

  /** Seed steps 17–18: the candidates ranked by the documented score; the winner and runner-up kept with every term. */
  async rank(deps, intent, now) {
    const fresh = await freshCandidates(deps, intent, now)
    const stats = new Map((await deps.providerStats.list()).map((s) => [s.providerId, s]))
    const ranking = rankCandidates({ need: intent.need, constraints: intent.constraints, candidates: fresh.map(factsOf), stats })
    const excluded = ranking.excluded.length ? `; ${ranking.excluded.length} excluded: ${ranking.excluded.map((c) => `${c.flavour.id} (${c.excluded})`).join('; ')}` : ''
    const told = at(deps, intent, now, 17, `discovery complete: ${ranking.ranked.length} candidate(s) ranked${excluded}`)
    if (ranking.ranked.length === 0) return failed(told, { step: 17, code: 'NO_CANDIDATE', reason: ranking.explanation || 'no candidate meets the constraints' })
    const candidates = ranking.ranked.slice(0, MAX_KEPT_CANDIDATES).map((c, i) => candidateOf(c, i === 0 ? ranking.explanation : `ranked ${i + 1} of ${ranking.ranked.length}, score ${c.score.toFixed(3)}`))
    const [chosen, runnerUp] = candidates
    const ranked: Intent = { ...told, candidates, chosen: chosen!, ...(runnerUp ? { runnerUp } : {}) }
    if (!runnerUp) delete ranked.runnerUp
    const picked = at(deps, ranked, now, 18, `chosen ${describeCandidate(chosen!)}: ${ranking.explanation}`)
    return intent.action === 'find' ? solved(picked) : go(picked, 'reserve')
  },

  /**
   * Seed step 19: RESERVE_FLAVOUR for the best `reserveBest` candidates not yet tried, each chain
   * deferring its purchase. A candidate aged out of the Peering Candidates sends the intent back to discovery.
   */
  async reserve(deps, intent, now) {
    const done = tried(intent)
    const next = intent.candidates.filter((c) => !done.has(key(c))).slice(0, intent.reserveBest)
    if (next.length === 0) {
      const last = intent.attempts.at(-1)
      return failed(intent, { step: 19, code: 'NO_CANDIDATE_LEFT', reason: `every ranked candidate failed${last?.reason ? `; last: ${last.reason}` : ''}` })
    }
    const fresh = await deps.chain.candidates.listFresh(intent.need.type, now)
    const chain = { ...deps.chain, ids: stepChainIds(deps.chain.ids, `${intent.id}-${intent.stepCount}`) }
    let current = intent
    for (const candidate of next) {
      const entry = fresh.find((e) => e.flavour.id === candidate.flavourId && factsOf(e).providerId === candidate.providerId)
      if (!entry) {
        if (current.attempts.some((a) => a.outcome === 'reserving')) break
        return go(at(deps, current, now, 5, `${candidate.flavourId} of ${candidate.providerId} is no longer a fresh Peering Candidate: discovering again`), 'discover')
      }
      const attempt: IntentAttempt = { providerId: candidate.providerId, flavourId: candidate.flavourId, outcome: 'reserving', startedAt: now }
      try {
        const hop = await startChain(chain, { flavourId: candidate.flavourId, providerId: candidate.providerId, configuration: configurationFor(entry.flavour, intent.need), deferPurchase: true })
        current = at(deps, { ...current, attempts: [...current.attempts, { ...attempt, operationId: hop.chainId }] }, now, 19, `reservation started: operation ${hop.chainId} for ${describeCandidate(candidate)}`)
      } catch (error) {
        current = at(deps, { ...current, attempts: [...current.attempts, { ...attempt, outcome: 'failed', reason: `${codeOf(error)}: ${reason(error)}` }] }, now, 19, `reservation of ${candidate.flavourId} of ${candidate.providerId} could not start: ${reason(error)}`)
      }
    }
    return go(current, current.attempts.some((a) => a.outcome === 'reserving') ? 'await-reserved' : 'reserve')
  },

  /**
   * Seed steps 20–25 at the origin: waits for every chain of the batch to be reserved or failed, then
   * purchases the best reserved one (rank order) and releases the rest. None reserved: the next candidates.
   */
  async 'await-reserved'(deps, intent, now) {
    let current = intent
    const after: (() => Promise<void>)[] = []
    for (const attempt of intent.attempts.filter((a) => a.outcome === 'reserving' && a.operationId)) {
      const hop = await deps.chain.hops.get(attempt.operationId!)
      if (!hop || hop.state === 'reserving') continue
      if (hop.state === 'reserved') {
        current = at(deps, updateAttempt(current, attempt.operationId!, { outcome: 'reserved' }), now, 25, `reserved: ${attempt.flavourId} held at ${attempt.providerId} (operation ${attempt.operationId})`)
      } else {
        const why = hop.failure ? `${hop.failure.code} at ${hop.failure.hop}: ${hop.failure.reason}` : `chain ${hop.state}`
        current = at(deps, updateAttempt(current, attempt.operationId!, { outcome: 'failed', reason: why }), now, 25, `reservation of ${attempt.flavourId} at ${attempt.providerId} failed: ${why}`)
        after.push(recordChain(deps, attempt, false, now))
      }
    }
    if (current.attempts.some((a) => a.outcome === 'reserving')) return { ...wait(current), after }
    const order = new Map(current.candidates.map((c, i) => [key(c), i]))
    const reserved = current.attempts.filter((a) => a.outcome === 'reserved').sort((a, b) => (order.get(key(a)) ?? 0) - (order.get(key(b)) ?? 0))
    const best = reserved[0]
    if (!best) return { ...go(at(deps, current, now, 19, 'no reservation held: failing over to the next candidate'), 'reserve'), after }
    for (const rest of reserved.slice(1)) {
      await letGo(deps, rest.operationId!, `reserveBest: ${best.flavourId} of ${best.providerId} is bought instead`)
      current = at(deps, updateAttempt(current, rest.operationId!, { outcome: 'released', reason: `not the best reserved (${best.flavourId} of ${best.providerId} is bought)` }), now, 25, `released the reservation of ${rest.flavourId} at ${rest.providerId}: ${best.providerId} is bought`)
    }
    try {
      await purchaseChain(deps.chain, best.operationId!)
    } catch (error) {
      const why = `${codeOf(error)}: ${reason(error)}`
      after.push(recordChain(deps, best, false, now))
      return { ...go(at(deps, updateAttempt(current, best.operationId!, { outcome: 'failed', reason: why }), now, 26, `purchase of ${best.flavourId} could not start: ${why}`), 'reserve'), after }
    }
    const { runnerUp: _was, ...updated } = updateAttempt(current, best.operationId!, { outcome: 'purchasing' })
    const buying: Intent = { ...updated, ...chooseBought(current, best), operationId: best.operationId! }
    return { ...go(at(deps, buying, now, 25, `reserved; PURCHASE_FLAVOUR sent for operation ${best.operationId}`), 'await-purchased'), after }
  },

  /** Seed steps 26–30: the purchase hop by hop; purchased = every hop's contract and this node's VirtualNode allocation. */
  async 'await-purchased'(deps, intent, now) {
    const attempt = intent.attempts.find((a) => a.operationId === intent.operationId)!
    const hop = await deps.chain.hops.get(intent.operationId!)
    if (hop?.state === 'purchasing' || hop?.state === 'reserved') return wait(intent)
    if (hop?.state === 'purchased') {
      const allocationId = hop.position === 'origin' ? hop.allocationId : undefined
      let bought: Intent = {
        ...updateAttempt(intent, attempt.operationId!, { outcome: 'purchased', purchasedAt: now }),
        ...(hop.contractId ? { contractId: hop.contractId } : {}),
        ...(allocationId ? { allocationId } : {}),
      }
      bought = at(deps, bought, now, 29, `purchased: contract ${hop.contractId ?? '(none)'} with ${attempt.providerId} along ${hop.route.join(' → ')}`)
      bought = at(deps, bought, now, 30, `VirtualNode allocation ${allocationId ?? '(none)'} created, inactive`)
      const after = [recordChain(deps, attempt, true, now)]
      if (intent.action === 'buy') return { ...solved(bought), after }
      return { ...go(at(deps, bought, now, 31, 'Virtual Fabric Manager (Liqo) asked to set up the peering through the agents'), 'await-peering'), after }
    }
    const why = hop?.failure ? `${hop.failure.code} at ${hop.failure.hop}: ${hop.failure.reason}` : `chain ${hop?.state ?? 'missing'}`
    const lost = at(deps, updateAttempt(intent, attempt.operationId!, { outcome: 'failed', reason: why }), now, 29, `purchase of ${attempt.flavourId} at ${attempt.providerId} failed: ${why}; failing over`)
    const { operationId: _gone, ...rest } = lost
    return { ...go(rest, 'reserve'), after: [recordChain(deps, attempt, false, now)] }
  },

  /** Seed steps 31–35: the consumer's agent peers with the provider's; active = the virtual node is Ready. */
  async 'await-peering'(deps, intent, now) {
    const attempt = intent.attempts.find((a) => a.operationId === intent.operationId)!
    const hop = await deps.chain.hops.get(intent.operationId!)
    if (!hop || hop.state !== 'purchased') return failed(intent, { step: 38, code: 'CONTRACT_ENDED', reason: `operation ${intent.operationId} is ${hop?.state ?? 'gone'} before its peering was active` })
    if (hop.peering?.status === 'error') return failed(intent, { step: 38, code: 'PEERING_FAILED', reason: hop.peering.detail ?? 'the agent reported a peering error' })
    if (hop.peering?.status !== 'active') return wait(intent)
    const peeringMs = Math.max(0, hop.peering.at.getTime() - (attempt.purchasedAt ?? now).getTime())
    const active = at(deps, intent, now, 38, `peering active: VirtualNode allocation ${intent.allocationId ?? ''} active, virtual node Ready (${peeringMs} ms after the purchase)`.replace('  ', ' '))
    const after = [() => deps.providerStats.recordPeering(attempt.providerId, peeringMs, now)]
    if (intent.action === 'peer') return { ...solved(at(deps, active, now, 39, 'Discovery, Reservation and Peering over')), after }
    return { ...go(at(deps, active, now, 39, 'Discovery, Reservation and Peering over: back to the Node Orchestrator'), 'deploy'), after }
  },

  /** Seed step 40: the workload goes to the contract's virtual node through the consumer's agent. */
  async deploy(deps, intent, now) {
    const workload = intent.workload!
    await deployWorkload(deps.chain, intent.operationId!, { name: workload.name, manifests: workload.manifests })
    const requested = { ...intent, workloadStatus: { name: workload.name, phase: 'pending' as const, readyPods: 0, totalPods: 0 } }
    return go(at(deps, requested, now, 40, `workload ${workload.name} (${workload.manifests.length} object(s)) sent to the virtual node`), 'await-workload')
  },

  /** Seed step 41: the workload is Running on the virtual node (every pod ready). */
  async 'await-workload'(deps, intent, now) {
    const name = intent.workload!.name
    const hop = await deps.chain.hops.get(intent.operationId!)
    const status = hop?.position === 'origin' ? hop.workloads?.[name] : undefined
    if (!status) return failed(intent, { step: 41, code: 'WORKLOAD_GONE', reason: `workload ${name} is not on operation ${intent.operationId}` })
    const seen: Intent = { ...intent, workloadStatus: { name, phase: status.phase, readyPods: status.readyPods, totalPods: status.totalPods, ...(status.node ? { node: status.node } : {}) } }
    if (status.phase === 'running') return solved(at(deps, seen, now, 41, `workload ${name} Running: ${status.readyPods}/${status.totalPods} pods ready on ${status.node ?? 'the virtual node'}`))
    if (status.phase === 'failed' || status.phase === 'removed') return failed(seen, { step: 41, code: 'WORKLOAD_FAILED', reason: status.detail ?? `workload ${name} is ${status.phase}` })
    return wait(seen)
  },

  /** After the intent ended: releases what its chains still hold once they settle. */
  async cleanup(deps, intent) {
    return releaseHeld(deps, intent, 'the intent ended')
  },

  async done(_deps, intent) {
    return { intent }
  },
}

/** Releases every chain of the intent that holds something; waits (cleanup) while some are still in flight. */
async function releaseHeld(deps: OrchestratorDeps, intent: Intent, why: string): Promise<Turn> {
  let current = intent
  let inFlight = false
  for (const attempt of intent.attempts.filter((a) => a.operationId && a.outcome !== 'failed' && a.outcome !== 'released')) {
    const hop = await letGo(deps, attempt.operationId!, why)
    if (hop?.state === 'released' || hop?.state === 'failed') current = updateAttempt(current, attempt.operationId!, { outcome: 'released', reason: why })
    else inFlight = true
  }
  const settled = { ...current, step: inFlight ? ('cleanup' as const) : ('done' as const) }
  return inFlight ? wait(settled) : { intent: settled }
}

/** The seed step the intent had reached, for a failure past its deadline. */
function stepReached(intent: Intent): number {
  return intent.timeline.at(-1)?.step ?? 1
}

async function timeOut(deps: OrchestratorDeps, intent: Intent, now: Date): Promise<Turn> {
  const reached = stepReached(intent)
  const timedOut = at(deps, { ...intent, phase: 'TimedOut', failure: { step: reached, code: 'DEADLINE_PASSED', reason: `the deadline ${intent.deadline.toISOString()} passed during ${intent.step}` } }, now, reached, 'deadline passed: what the intent holds is released')
  return releaseHeld(deps, timedOut, 'the intent timed out')
}

/** One step of one intent (a state machine on `intent.step`), as the `intent-step` message for it asks. */
async function runStep(deps: OrchestratorDeps, message: Extract<IntentMessage, { kind: 'intent-step' }>): Promise<void> {
  const intent = await deps.intents.get(message.intentId)
  if (!intent) return deps.logger.warn('INTENT_STEP_UNKNOWN', { intentId: message.intentId })
  if (message.attempt !== intent.stepCount || intent.step === 'done') return deps.logger.info('INTENT_STEP_STALE', { intentId: intent.id, attempt: message.attempt, current: intent.stepCount })
  const now = deps.clock.now()
  const log = deps.logger.child({ intentId: intent.id, step: intent.step })
  let turn: Turn
  if (intent.stepCount >= MAX_STEPS && !isFinalPhase(intent.phase)) {
    turn = failed(intent, { step: stepReached(intent), code: 'TOO_MANY_STEPS', reason: `stopped after ${MAX_STEPS} steps` })
  } else if (now >= intent.deadline && !isFinalPhase(intent.phase)) {
    turn = await timeOut(deps, intent, now)
  } else {
    try {
      turn = await STEPS[intent.step](deps, intent, now)
    } catch (error) {
      if (!isRearError(error) || error.kind === 'contention' || error.kind === 'peer-unavailable' || error.kind === 'peer-timeout') throw error
      log.warn('INTENT_STEP_FAILED', { code: error.code, reason: error.message })
      turn = failed(intent, { step: stepReached(intent), code: error.code, reason: error.message })
    }
  }
  const saved = await commit(deps, intent, turn, now)
  if (!saved) return log.info('INTENT_STEP_LOST', { attempt: message.attempt })
  if (saved.phase !== intent.phase) log.info('INTENT_PHASE', { phase: saved.phase, from: intent.phase, ...(saved.failure ? { failure: saved.failure.code } : {}) })
  if (turn.next) await deps.queue.enqueue({ kind: 'intent-step', intentId: saved.id, attempt: saved.stepCount }, turn.next.delaySeconds)
  for (const callback of saved.callbacks.filter((c) => c.status === 'pending' && c.attempts === 0 && !intent.callbacks.some((old) => old.deliveryId === c.deliveryId))) {
    await deps.queue.enqueue({ kind: 'intent-callback', intentId: saved.id, phase: callback.phase, deliveryId: callback.deliveryId, attempt: 1 })
  }
  for (const work of turn.after ?? []) {
    await work().catch((error) => log.warn('PROVIDER_STATS_NOT_RECORDED', { reason: reason(error) }))
  }
}

/**
 * Saves the turn at the version read. A callback delivery or a rating saved meanwhile is kept (the
 * turn is laid over what is stored now); another delivery of the same step that won is left alone.
 */
async function commit(deps: OrchestratorDeps, read: Intent, turn: Turn, now: Date): Promise<Intent | undefined> {
  const phaseChanged = turn.intent.phase !== read.phase
  const added = phaseChanged && read.callbackUrl ? [{ deliveryId: deps.ids.next('delivery-'), phase: turn.intent.phase as IntentPhase, status: 'pending' as const, attempts: 0 }] : []
  const next = turn.next ? { step: turn.next.step, stepCount: read.stepCount + 1 } : {}
  let stored = read
  for (let tries = 0; tries < 10; tries++) {
    const intent: Intent = { ...turn.intent, ...next, callbacks: [...stored.callbacks, ...added], ...(stored.rating ? { rating: stored.rating } : {}), updatedAt: now, version: stored.version + 1 }
    try {
      await deps.intents.save(intent, stored.version)
      return intent
    } catch (error) {
      if (!(error instanceof ContentionError)) throw error
      const fresh = await deps.intents.get(read.id)
      if (!fresh || fresh.stepCount !== read.stepCount) return undefined
      stored = fresh
    }
  }
  throw new ContentionError(`intent ${read.id} kept changing`)
}

/**
 * The chain queue's intent messages: one orchestrator step, or one callback delivery attempt. Each
 * carries the count it is for, so a message delivered twice acts once.
 */
export async function handleIntentMessage(deps: OrchestratorDeps, message: IntentMessage): Promise<void> {
  if (message.kind === 'intent-step') return runStep(deps, message)
  return deliverCallback(deps, message)
}
