import { isRearError } from '../shared/errors.ts'
import type { Clock, Logger } from '../shared/ports.ts'
import type { FlavourRepository } from '../flavours/ports.ts'
import type { Selector } from '../flavours/selector.ts'
import { emptySelector, matchesSelector } from '../flavours/selector.ts'
import type { Flavour } from '../flavours/model.ts'
import { SUPPORTED_FLAVOUR_TYPES } from '../flavours/model.ts'
import type { Peer, Role } from '../peers/model.ts'
import type { PeerRepository } from '../peers/ports.ts'
import type { DiscoveredFlavour, LearntIn, PeerFailure, RelayAnswer, RelayRequest, RemoteFlavour, ResultPage } from './model.ts'
import { MAX_RELAY_PAGE, providerKey } from './model.ts'
import { answerKey, pageOf, pageResults } from './result-pages.ts'
import type { ListingPage, LocalListings } from './local-listings.ts'
import type { PeerGateway, RelayVisits, RemoteFlavourRepository } from './ports.ts'
import { relayVisitOf } from './relay-visits.ts'

/** Time kept back from a budget for local work and the answer's way home, in milliseconds. */
const RELAY_MARGIN_MS = 100
const MIN_PEER_TIMEOUT_MS = 50

export interface DiscoverySettings {
  /** Per-peer timeout of a fan-out, in milliseconds (default 2000). */
  peerTimeoutMs: number
  /** Relays a request may still take when it starts here (default 4). */
  hopLimit: number
  /**
   * How long what was learnt answers for the peers, from when its source knew it, and how long a
   * discovered flavour stays a Peering Candidate a chain can start from, in milliseconds.
   */
  candidateTtlMs: number
}

export interface DiscoveryDeps {
  self: { id: string; role: Role }
  flavours: FlavourRepository
  /** Flavours providers published here (supernodes and catalogs). */
  published?: RemoteFlavourRepository
  /** Warm indexes of the own and published flavours: local knowledge is then one page of each, never a full read. */
  listings?: LocalListings
  candidates: RemoteFlavourRepository
  peers: PeerRepository
  gateway: PeerGateway
  /**
   * The relays served here (supernodes and catalogs), so a search reaching this participant along
   * several paths fans out once; without it every relay fans out. Nodes never fan out on a relay.
   */
  relays?: RelayVisits
  clock: Clock
  logger: Logger
  settings: DiscoverySettings
}

/** One result per (provider, flavour): the shortest route, the earlier one on a tie (supernodes are asked before catalogs). */
function dedupe(found: readonly DiscoveredFlavour[]): DiscoveredFlavour[] {
  const best = new Map<string, DiscoveredFlavour>()
  for (const item of found) {
    const key = providerKey(item.flavour)
    const current = best.get(key)
    if (!current || item.route.length < current.route.length) best.set(key, item)
  }
  return [...best.values()]
}

/** Routes as seen from `self`: one hop longer, starting here. */
const via = (self: string, found: readonly DiscoveredFlavour[]): DiscoveredFlavour[] =>
  found.map((item) => ({ ...item, route: [self, ...item.route] }))

interface Knowledge {
  /** Own flavours and publications: current, and so never aged. */
  current: DiscoveredFlavour[]
  /** An indexed listing has more matches after the page it gave. */
  more: boolean
  /** Candidates younger than the TTL at their source that match (none for a fresh request), routes from here. */
  learnt: RemoteFlavour[]
  /** Every unexpired candidate, matching or not: what an answer from a peer may replace. */
  candidates: RemoteFlavour[]
  /** Publishers whose fresh publication answers for them. */
  publishers: Set<string>
}

const everything = <T>(items: Promise<T[]>): Promise<ListingPage<T>> => items.then((all) => ({ items: all, more: false }))

/** Own and published flavours matching the request: one page from the warm indexes when there are any, else read whole. */
function currentListings(deps: DiscoveryDeps, request: RelayRequest, now: Date) {
  const { own, published } = deps.listings ?? {}
  const page = pageOf(request)
  return Promise.all([
    own ? own.page(request.selector, page) : everything(deps.flavours.listAvailable(request.selector.type)),
    published ? published.page(request.selector, page) : everything(deps.published ? deps.published.listFresh(request.selector.type, now) : Promise.resolve([])),
    published ? published.publishers() : undefined,
  ])
}

async function knownLocally(deps: DiscoveryDeps, request: RelayRequest, now: Date): Promise<Knowledge> {
  const { selector } = request
  const [[own, published, indexedPublishers], candidates] = await Promise.all([currentListings(deps, request, now), deps.candidates.listFresh(selector.type, now)])
  const matches = (item: { flavour: Flavour }) => matchesSelector(item.flavour, selector)
  const fresh = published.items.filter((entry) => entry.expiresAt > now)
  const current = [...own.items.map((flavour) => ({ flavour, route: [deps.self.id] })), ...via(deps.self.id, fresh)].filter(matches)
  const young = (entry: RemoteFlavour) => now.getTime() - entry.seenAt.getTime() < deps.settings.candidateTtlMs
  const learnt = request.fresh ? [] : candidates.filter((entry) => young(entry) && matches(entry))
  const publishers = indexedPublishers ?? new Set(fresh.map((entry) => entry.route[0]!))
  return { current, more: own.more || published.more, learnt, candidates, publishers }
}

const fromHere = (self: string, now: Date, entries: readonly RemoteFlavour[]): DiscoveredFlavour[] =>
  entries.map((entry) => ({ flavour: entry.flavour, route: [self, ...entry.route], ageMs: now.getTime() - entry.seenAt.getTime() }))

/**
 * Whether what was learnt answers this request in full: the latest answer learnt for exactly its
 * selector and page by a search that reached at least as far (as many hops left, and no peer skipped
 * that this one may ask), with every one of its results still known and young. Anything less asks
 * the peers: an answer that reached fewer hops, or skipped a peer as visited, misses what lies beyond.
 */
function learntAnswerStands(learnt: readonly RemoteFlavour[], request: RelayRequest): boolean {
  const key = answerKey(request)
  const visited = new Set(request.visited)
  const reachedAsFar = (learntIn: LearntIn) => learntIn.hops >= request.hopsLeft && learntIn.skipped.every((id) => visited.has(id))
  const forKey = learnt.filter((entry) => entry.learntIn?.selector === key && reachedAsFar(entry.learntIn))
  const latest = Math.max(...forKey.map((entry) => entry.learntIn!.at.getTime()))
  const answer = forKey.filter((entry) => entry.learntIn!.at.getTime() === latest)
  return answer.length > 0 && answer.length === answer[0]!.learntIn!.results
}

function failureOf(peer: Peer, error: unknown): PeerFailure {
  if (isRearError(error) && error.kind === 'peer-timeout') return { peerId: peer.id, kind: 'timeout', reason: error.message }
  if (isRearError(error) && error.code.startsWith('PEER_ANSWERED_')) return { peerId: peer.id, kind: 'status', reason: error.message }
  if (isRearError(error) && (error.kind === 'validation' || error.code === 'PEER_BAD_ANSWER')) return { peerId: peer.id, kind: 'invalid-answer', reason: error.message }
  return { peerId: peer.id, kind: 'unreachable', reason: error instanceof Error ? error.message : String(error) }
}

/**
 * A peer's results are kept only if their route starts at that peer, never passes through us, has no
 * repeated participant and fits the hop limit; they are also re-matched (a Go peer may answer others, bug 1).
 */
function plausible(peer: Peer, selfId: string, hopLimit: number) {
  return (item: DiscoveredFlavour) =>
    item.route[0] === peer.id && !item.route.includes(selfId) && item.route.length <= hopLimit + 1 && new Set(item.route).size === item.route.length
}

interface FanOut extends RelayAnswer {
  /** Peers that answered: what was learnt through them and is not in their answer stays only if they answered a page. */
  answered: Set<string>
  /** Peers whose answer was all they know for the selector (the first page, nothing after it). */
  complete: Set<string>
  /** Some peer answered only a page: more may follow this one. */
  more: boolean
  /** Some peer's answer was partial (a repeat cut short on its way). */
  partial: boolean
}

async function fanOut(deps: DiscoveryDeps, request: RelayRequest, known: Promise<Peer[]>, publishers: Set<string>): Promise<FanOut> {
  const visited = request.visited.includes(deps.self.id) ? request.visited : [...request.visited, deps.self.id]
  const rank = (peer: Peer) => (peer.role === 'catalog' ? 1 : 0)
  const targets = (await known).filter((peer) => !visited.includes(peer.id) && !publishers.has(peer.id)).sort((a, b) => rank(a) - rank(b))
  if (request.hopsLeft <= 0 || targets.length === 0) return { results: [], failed: [], answered: new Set(), complete: new Set(), more: false, partial: false }
  const timeoutMs = Math.max(MIN_PEER_TIMEOUT_MS, Math.min(deps.settings.peerTimeoutMs, request.budgetMs - RELAY_MARGIN_MS))
  const forwarded: RelayRequest = { ...request, visited, hopsLeft: request.hopsLeft - 1, budgetMs: timeoutMs - RELAY_MARGIN_MS }
  const started = deps.clock.now().getTime()
  const settled = await Promise.allSettled(targets.map((peer) => deps.gateway.listFlavours(peer, forwarded, timeoutMs)))
  const results: DiscoveredFlavour[] = []
  const failed: PeerFailure[] = []
  const answered = new Set<string>()
  const complete = new Set<string>()
  let more = false
  let partial = false
  settled.forEach((outcome, i) => {
    const peer = targets[i]!
    if (outcome.status === 'rejected') failed.push(failureOf(peer, outcome.reason))
    else {
      answered.add(peer.id)
      if (outcome.value.partial) partial = true
      if (outcome.value.next) more = true
      else if (!request.page?.after && !outcome.value.partial) complete.add(peer.id)
      const kept = outcome.value.results.filter(plausible(peer, deps.self.id, deps.settings.hopLimit))
      results.push(...kept.filter((item) => matchesSelector(item.flavour, request.selector)))
      failed.push(...outcome.value.failed)
    }
  })
  deps.logger.info('DISCOVERY_FANOUT', {
    correlationId: request.correlationId,
    fresh: request.fresh ?? false,
    peers: targets.length,
    results: results.length,
    failedPeers: failed.map((f) => f.peerId),
    durationMs: deps.clock.now().getTime() - started,
  })
  return { results, failed, answered, complete, more, partial }
}

/**
 * Stores one answer from the peers as Peering Candidates tagged with the search, dated by what their
 * source knew, and forgets what was learnt through a peer that answered without it (sold, withdrawn).
 */
async function remember(deps: DiscoveryDeps, request: RelayRequest, knowledge: Knowledge, remote: FanOut, found: readonly DiscoveredFlavour[], now: Date) {
  if (deps.self.role === 'catalog') return
  const kept = new Set(found.map((item) => providerKey(item.flavour)))
  const replaced = knowledge.candidates.filter(
    (entry) => remote.complete.has(entry.route[0]!) && matchesSelector(entry.flavour, request.selector) && !kept.has(providerKey(entry.flavour)),
  )
  await Promise.all(replaced.map((entry) => deps.candidates.forget(entry.flavour.owner.id || entry.flavour.providerId, entry.flavour.id)))
  if (found.length === 0) return
  const expiresAt = new Date(now.getTime() + deps.settings.candidateTtlMs)
  const visited = new Set(request.visited)
  const skipped = visited.size ? (await deps.peers.list()).map((peer) => peer.id).filter((id) => visited.has(id) && id !== deps.self.id) : []
  const learntIn: LearntIn = { selector: answerKey(request), at: now, results: found.length, hops: request.hopsLeft, skipped }
  await deps.candidates.put(
    found.map((item) => ({ flavour: item.flavour, route: item.route, seenAt: new Date(now.getTime() - (item.ageMs ?? 0)), expiresAt, ...(remote.partial ? {} : { learntIn }) })),
  )
}

/**
 * LIST_FLAVOURS at this participant (seed steps 8–16, XFSC distributed search). Own Available
 * Resources and published flavours are always current and always answered. Unless the request is
 * fresh, an answer learnt before for exactly this selector stands in for the peers while every one of
 * its results is still known and younger than the candidate TTL at its source; otherwise the request
 * fans out in parallel, with a timeout each and while hops remain, to every known peer not yet
 * visited whose own publication does not already answer for it (FLUIDOS Go peers never publish).
 * Failures never abort the search; they are reported. Results are de-duplicated by (provider,
 * flavour), remembered as Peering Candidates and returned with routes that start here and their age,
 * one keyset page at a time in result order (the request's page is forwarded, so each peer answers
 * only its first page after the same cursor). A node answering another participant does not fan out.
 */
export async function searchFlavours(deps: DiscoveryDeps, request: RelayRequest, options: { fanOut: boolean }): Promise<RelayAnswer> {
  return search(deps, request, options.fanOut)
}

/**
 * The search; `fanOut` may still be being decided (a relay recording its visit) while local knowledge
 * is read. A relay that turns out to be a repeat answers its current knowledge alone, marked partial.
 */
async function search(deps: DiscoveryDeps, request: RelayRequest, mayFanOut: boolean | Promise<boolean>): Promise<RelayAnswer> {
  const peers = mayFanOut === false ? Promise.resolve([]) : deps.peers.list()
  peers.catch(() => {})
  const now = deps.clock.now()
  const [knowledge, fansOut] = await Promise.all([knownLocally(deps, request, now), mayFanOut])
  const page = pageOf(request)
  if (!fansOut && mayFanOut !== false) return { ...pageResults(dedupe(knowledge.current), page, knowledge.more), failed: [], partial: true }
  const learnt = fromHere(deps.self.id, now, knowledge.learnt)
  if (!fansOut || learntAnswerStands(knowledge.learnt, request)) {
    return { ...pageResults(dedupe([...knowledge.current, ...learnt]), page, knowledge.more), failed: [] }
  }
  const remote = await fanOut(deps, request, peers, knowledge.publishers)
  const found = dedupe(remote.results)
  await remember(deps, request, knowledge, remote, found, now)
  const unanswered = learnt.filter((item) => !remote.answered.has(item.route[1]!))
  const answer = pageResults(dedupe([...knowledge.current, ...via(deps.self.id, found), ...unanswered]), page, knowledge.more || remote.more)
  return { ...answer, failed: remote.failed, ...(remote.partial ? { partial: true } : {}) }
}

/**
 * A relay from another participant: supernodes and catalogs fan out, nodes answer from what they know.
 * A search that already reached this participant with at least as many hops left (along another path)
 * is answered at once from current knowledge only (own and published flavours, nothing learnt, no
 * fan-out): the first visit's answer carries the rest, so each participant fans out once per search.
 * If the visit cannot be recorded, the relay fans out anyway (more calls rather than fewer results).
 */
export async function answerRelay(deps: DiscoveryDeps, request: RelayRequest): Promise<RelayAnswer> {
  if (deps.self.role === 'node') return search(deps, request, false)
  return search(deps, request, firstVisit(deps, request))
}

async function firstVisit(deps: DiscoveryDeps, request: RelayRequest): Promise<boolean> {
  if (!deps.relays) return true
  const now = deps.clock.now()
  try {
    const first = await deps.relays.firstVisit(relayVisitOf(request, now, { peerTimeoutMs: deps.settings.peerTimeoutMs, marginMs: RELAY_MARGIN_MS }), now)
    if (!first) deps.logger.info('DISCOVERY_RELAY_REPEAT', { correlationId: request.correlationId, hopsLeft: request.hopsLeft })
    return first
  } catch (error) {
    deps.logger.warn('DISCOVERY_RELAY_UNRECORDED', { correlationId: request.correlationId, reason: error instanceof Error ? error.message : String(error) })
    return true
  }
}

/** A search started here (no asker): the full hop limit and one per-peer timeout of budget. */
export function newRequest(
  deps: DiscoveryDeps,
  selector: RelayRequest['selector'],
  correlationId: string,
  options: { fresh?: boolean; page?: ResultPage } = {},
): RelayRequest {
  return {
    selector,
    visited: [],
    hopsLeft: deps.settings.hopLimit,
    correlationId,
    budgetMs: deps.settings.peerTimeoutMs + RELAY_MARGIN_MS,
    ...(options.fresh ? { fresh: true } : {}),
    ...(options.page ? { page: options.page } : {}),
  }
}

/**
 * The node's Discovery Manager (seed steps 6–17): one call finds matching flavours across domains
 * through the peers this node knows; `fresh` asks them even if an answer was learnt moments ago.
 * Routes are returned from the first hop on (empty for own flavours).
 */
export async function discoverFlavours(
  deps: DiscoveryDeps,
  selector: RelayRequest['selector'],
  correlationId: string,
  options: { fresh?: boolean; page?: ResultPage } = {},
): Promise<RelayAnswer> {
  const answer = await searchFlavours(deps, newRequest(deps, selector, correlationId, options), { fanOut: true })
  return { ...answer, results: answer.results.map((item) => ({ ...item, route: item.route.slice(1) })) }
}

/**
 * LIST_FLAVORS at a supernode or catalog for an asker that speaks only `/api/v2` (a FLUIDOS Go node):
 * the full relay, answered as plain flavours, the cheapest `limit` of each type (one more when more
 * match, so the caller can tell it cut). Without a selector, every supported type is searched.
 */
export async function relayedFlavours(deps: DiscoveryDeps, selector: Selector | undefined, correlationId: string, limit = MAX_RELAY_PAGE): Promise<Flavour[]> {
  const selectors = selector ? [selector] : SUPPORTED_FLAVOUR_TYPES.map(emptySelector)
  const page = { limit: Math.min(MAX_RELAY_PAGE, limit) }
  const answers = await Promise.all(selectors.map((s) => searchFlavours(deps, newRequest(deps, s, correlationId, { page }), { fanOut: true })))
  return answers.flatMap((answer) => answer.results.map((item) => item.flavour))
}
