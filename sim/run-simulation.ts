import type { DiscoveredFlavour, RelayAnswer } from '../core/discovery/model.ts'
import { discoverFlavours } from '../core/discovery/search-flavours.ts'
import { isLive } from '../core/chain/model.ts'
import { startChain } from '../core/chain/start-chain.ts'
import { isRearError } from '../core/shared/errors.ts'
import { providerKey } from '../core/discovery/model.ts'
import { aK8SliceConfiguration } from '../test/support/factories.ts'
import { SimFederation } from './federation.ts'
import type { SimulationOptions } from './options.ts'
import { reachOf } from './reach.ts'
import type { Want } from './topology.ts'
import { buildTopology, wantsOf } from './topology.ts'

/** One discovery from one consumer. */
export interface DiscoveryRecord {
  consumer: string
  correlationId: string
  /** Relay calls it caused across the federation. */
  messages: number
  /** Calls that went unanswered. */
  lost: number
  bytes: number
  /** Directed links that carried a call. */
  linksUsed: number
  /** The most times one participant was asked. */
  maxAsked: number
  /** Participants asked more than once. */
  askedAgain: number
  /** Undirected peer links within the hop limit, and simple paths (relay requests of a per-path flood). */
  edges: number
  paths: number
  reachable: number
  /** Virtual time from the call to the answer, in ms. */
  timeMs: number
  results: number
  failedPeers: number
}

export type ChainOutcome = 'purchased' | 'failed' | 'not-started'

export interface ChainRecord {
  consumer: string
  chainId?: string
  provider: string
  flavourId: string
  /** Participants from the consumer to the provider, both included. */
  route: string[]
  outcome: ChainOutcome
  /** The failure code at the origin (or why the chain could not start). */
  failure?: string
  timeMs: number
  messages: number
  lost: number
  redelivered: number
}

export interface Distribution {
  mean: number
  p50: number
  p99: number
  max: number
}

export interface SimulationResult {
  options: SimulationOptions
  topology: { participants: number; supernodes: number; catalogs: number; providers: number; consumers: number; flavours: number; links: number; supernodeLinks: number }
  discovery: {
    count: number
    messages: Distribution
    edges: Distribution
    paths: Distribution
    /** Per discovery: messages ÷ edges within the hop limit (goal ≤ 2), and messages ÷ simple paths. */
    messagesPerEdge: Distribution
    messagesPerPath: Distribution
    /** Discoveries in which some participant was asked more than once, and the extra calls that cost. */
    withRepeats: number
    repeatedCalls: number
    bytes: Distribution
    timeMs: Distribution
    /** Time ÷ (hop limit × per-hop latency) (goal ≤ 1.2), over every discovery and over those where no call was lost. */
    timeRatio: Distribution
    timeRatioNoLoss: Distribution
    noLoss: number
    results: Distribution
    /** Discoveries that found at least one flavour. */
    found: number
  }
  chains: {
    attempted: number
    purchased: number
    failed: number
    notStarted: number
    /** Purchased ÷ attempted (chains that started). */
    successRate: number
    hops: Distribution
    timeMs: Distribution
    messages: Distribution
    failures: Record<string, number>
  }
  virtualMs: number
  events: number
  records: { discoveries: DiscoveryRecord[]; chains: ChainRecord[] }
}

export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { mean: 0, p50: 0, p99: 0, max: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
  const round = (n: number) => Math.round(n * 1000) / 1000
  return { mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length), p50: round(at(50)), p99: round(at(99)), max: round(sorted[sorted.length - 1]!) }
}

/** Cheapest first, then the shortest route, then by provider and flavour: what the consumer buys. */
function best(results: readonly DiscoveredFlavour[]): DiscoveredFlavour | undefined {
  const price = (item: DiscoveredFlavour) => Number(item.flavour.price.amount)
  return [...results].sort((a, b) => price(a) - price(b) || a.route.length - b.route.length || (providerKey(a.flavour) < providerKey(b.flavour) ? -1 : 1))[0]
}

/** Progress as the run goes: `done` of `total` consumers handled. */
export type OnProgress = (done: number, total: number) => void

/**
 * Builds the seeded federation, then for each consumer in turn runs one discovery (virtual time from
 * its start to its answer, and every relay call it caused) and, for the first `chains` of them, a
 * reserve + purchase of the best result along its route, to the end (purchased or failed).
 */
export async function runSimulation(options: SimulationOptions, onProgress: OnProgress = () => {}): Promise<SimulationResult> {
  const topology = buildTopology(options)
  const federation = new SimFederation(topology, options)
  await federation.build()
  const { scheduler } = federation
  const started = scheduler.now
  const wants = wantsOf(topology, options)
  const discoveries: DiscoveryRecord[] = []
  const chains: ChainRecord[] = []
  for (const [i, want] of wants.entries()) {
    const { record, answer } = await runDiscovery(federation, want, `sim-${i + 1}`)
    discoveries.push(record)
    const pick = best(answer.results)
    if (i < options.chains && pick) chains.push(await chain(federation, want, pick))
    onProgress(i + 1, wants.length)
  }
  await scheduler.runIdle()
  const hopBudget = options.hopLimit * options.latencyMs
  const ratio = (records: DiscoveryRecord[]) => distribution(records.map((r) => (hopBudget > 0 ? r.timeMs / hopBudget : 0)))
  const started_ = chains.filter((c) => c.outcome !== 'not-started')
  const failures: Record<string, number> = {}
  for (const c of chains) if (c.failure) failures[c.failure] = (failures[c.failure] ?? 0) + 1
  return {
    options,
    topology: {
      participants: topology.participants.size,
      supernodes: topology.supernodes.length,
      catalogs: topology.catalogs.length,
      providers: topology.providers.length,
      consumers: topology.consumers.length,
      flavours: [...topology.participants.values()].reduce((n, p) => n + p.flavours.length, 0),
      links: topology.links,
      supernodeLinks: topology.supernodeLinks,
    },
    discovery: {
      count: discoveries.length,
      messages: distribution(discoveries.map((r) => r.messages)),
      edges: distribution(discoveries.map((r) => r.edges)),
      paths: distribution(discoveries.map((r) => r.paths)),
      messagesPerEdge: distribution(discoveries.map((r) => r.messages / Math.max(1, r.edges))),
      messagesPerPath: distribution(discoveries.map((r) => r.messages / Math.max(1, r.paths))),
      withRepeats: discoveries.filter((r) => r.askedAgain > 0).length,
      repeatedCalls: discoveries.reduce((n, r) => n + r.messages - r.linksUsed, 0),
      bytes: distribution(discoveries.map((r) => r.bytes)),
      timeMs: distribution(discoveries.map((r) => r.timeMs)),
      timeRatio: ratio(discoveries),
      timeRatioNoLoss: ratio(discoveries.filter((r) => r.lost === 0)),
      noLoss: discoveries.filter((r) => r.lost === 0).length,
      results: distribution(discoveries.map((r) => r.results)),
      found: discoveries.filter((r) => r.results > 0).length,
    },
    chains: {
      attempted: started_.length,
      purchased: chains.filter((c) => c.outcome === 'purchased').length,
      failed: chains.filter((c) => c.outcome === 'failed').length,
      notStarted: chains.length - started_.length,
      successRate: started_.length ? Math.round((chains.filter((c) => c.outcome === 'purchased').length / started_.length) * 1000) / 1000 : 0,
      hops: distribution(started_.map((c) => c.route.length - 1)),
      timeMs: distribution(started_.map((c) => c.timeMs)),
      messages: distribution(started_.map((c) => c.messages)),
      failures,
    },
    virtualMs: scheduler.now - started,
    events: scheduler.events,
    records: { discoveries, chains },
  }
}

/** One discovery from `want.consumer`, run in virtual time to its answer, with the traffic it caused and the reach it had. */
export async function runDiscovery(federation: SimFederation, want: Want, correlationId: string): Promise<{ record: DiscoveryRecord; answer: RelayAnswer }> {
  const { scheduler, options, topology } = federation
  const deps = federation.discovery.get(want.consumer)!
  const publishers = await federation.publishersNow()
  const start = scheduler.now
  let outcome: { answer: RelayAnswer; at: number } | { error: unknown } | undefined
  discoverFlavours(deps, want.selector, correlationId, { fresh: options.fresh }).then(
    (answer) => void (outcome = { answer, at: scheduler.now }),
    (error: unknown) => void (outcome = { error }),
  )
  await scheduler.runUntil(() => outcome !== undefined)
  if (!outcome) throw new Error(`discovery ${correlationId} from ${want.consumer} never answered`)
  if ('error' in outcome) throw outcome.error
  const traffic = federation.trafficOf(correlationId)
  const reach = reachOf(topology, want.consumer, options.hopLimit, publishers)
  const asked = [...traffic.asked.values()]
  return {
    answer: outcome.answer,
    record: {
      consumer: want.consumer,
      correlationId,
      messages: traffic.messages,
      lost: traffic.lost,
      bytes: traffic.bytes,
      linksUsed: traffic.links.size,
      maxAsked: Math.max(0, ...asked),
      askedAgain: asked.filter((n) => n > 1).length,
      edges: reach.edges,
      paths: reach.paths,
      reachable: reach.participants,
      timeMs: Math.round((outcome.at - start) * 1000) / 1000,
      results: outcome.answer.results.length,
      failedPeers: outcome.answer.failed.length,
    },
  }
}

const CHAIN_GUARD_MS = 15 * 60_000

async function chain(federation: SimFederation, want: Want, pick: DiscoveredFlavour): Promise<ChainRecord> {
  const { scheduler } = federation
  const origin = federation.participant(want.consumer)
  const provider = pick.flavour.owner.id || pick.flavour.providerId
  const base = { consumer: want.consumer, provider, flavourId: pick.flavour.id, route: [want.consumer, ...pick.route] }
  const start = scheduler.now
  let begun: { chainId: string } | { error: unknown } | undefined
  const configuration = aK8SliceConfiguration({ cpu: String(want.cpu), memory: `${want.memoryGi}Gi`, pods: '10' })
  startChain(origin.deps, { flavourId: pick.flavour.id, providerId: provider, configuration }).then(
    (hop) => void (begun = { chainId: hop.chainId }),
    (error: unknown) => void (begun = { error }),
  )
  const settled = () => {
    if (!begun || !('chainId' in begun)) return begun !== undefined
    const hop = origin.hops.hops.get(begun.chainId)
    return hop !== undefined && !isLive(hop.state)
  }
  await scheduler.runUntil(settled, start + CHAIN_GUARD_MS)
  const timeMs = Math.round((scheduler.now - start) * 1000) / 1000
  if (!begun || !('chainId' in begun)) {
    const error = begun && 'error' in begun ? begun.error : undefined
    return { ...base, outcome: 'not-started', failure: isRearError(error) ? error.code : 'NOT_STARTED', timeMs, messages: 0, lost: 0, redelivered: 0 }
  }
  const hop = origin.hops.hops.get(begun.chainId)
  const traffic = federation.chainTrafficOf(begun.chainId)
  const purchased = hop?.state === 'purchased'
  await federation.republish(provider)
  return {
    ...base,
    chainId: begun.chainId,
    outcome: purchased ? 'purchased' : 'failed',
    ...(purchased ? {} : { failure: hop?.failure?.code ?? (hop ? `STILL_${hop.state.toUpperCase()}` : 'NO_HOP') }),
    timeMs,
    messages: traffic.messages,
    lost: traffic.lost,
    redelivered: traffic.redelivered,
  }
}
