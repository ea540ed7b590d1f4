import { isRearError } from '../shared/errors.ts'
import type { Clock, Logger } from '../shared/ports.ts'
import type { FlavourRepository } from '../flavours/ports.ts'
import type { Selector } from '../flavours/selector.ts'
import { emptySelector, matchesSelector } from '../flavours/selector.ts'
import type { Flavour } from '../flavours/model.ts'
import { SUPPORTED_FLAVOUR_TYPES } from '../flavours/model.ts'
import type { Peer, Role } from '../peers/model.ts'
import type { PeerRepository } from '../peers/ports.ts'
import type { DiscoveredFlavour, PeerFailure, RelayAnswer, RelayRequest } from './model.ts'
import { providerKey } from './model.ts'
import type { PeerGateway, RemoteFlavourRepository } from './ports.ts'

/** Time kept back from a budget for local work and the answer's way home, in milliseconds. */
const RELAY_MARGIN_MS = 100
const MIN_PEER_TIMEOUT_MS = 50

export interface DiscoverySettings {
  /** Per-peer timeout of a fan-out, in milliseconds (default 2000). */
  peerTimeoutMs: number
  /** Relays a request may still take when it starts here (default 4). */
  hopLimit: number
  /** How long a discovered flavour stays a fresh Peering Candidate, in milliseconds. */
  candidateTtlMs: number
}

export interface DiscoveryDeps {
  self: { id: string; role: Role }
  flavours: FlavourRepository
  /** Flavours providers published here (supernodes and catalogs). */
  published?: RemoteFlavourRepository
  candidates: RemoteFlavourRepository
  peers: PeerRepository
  gateway: PeerGateway
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
  found.map((item) => ({ flavour: item.flavour, route: [self, ...item.route] }))

async function knownLocally(deps: DiscoveryDeps, request: RelayRequest): Promise<DiscoveredFlavour[]> {
  const { selector } = request
  const now = deps.clock.now()
  const [own, published, candidates] = await Promise.all([
    deps.flavours.listAvailable(selector.type),
    deps.published ? deps.published.listFresh(selector.type, now) : Promise.resolve([]),
    deps.candidates.listFresh(selector.type, now),
  ])
  const local = [
    ...own.map((flavour) => ({ flavour, route: [deps.self.id] })),
    ...via(deps.self.id, published),
    ...via(deps.self.id, candidates),
  ]
  return local.filter((item) => matchesSelector(item.flavour, selector))
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

async function fanOut(deps: DiscoveryDeps, request: RelayRequest, known: Promise<Peer[]>): Promise<RelayAnswer> {
  const visited = request.visited.includes(deps.self.id) ? request.visited : [...request.visited, deps.self.id]
  const rank = (peer: Peer) => (peer.role === 'catalog' ? 1 : 0)
  const targets = (await known).filter((peer) => !visited.includes(peer.id)).sort((a, b) => rank(a) - rank(b))
  if (request.hopsLeft <= 0 || targets.length === 0) return { results: [], failed: [] }
  const timeoutMs = Math.max(MIN_PEER_TIMEOUT_MS, Math.min(deps.settings.peerTimeoutMs, request.budgetMs - RELAY_MARGIN_MS))
  const forwarded: RelayRequest = { ...request, visited, hopsLeft: request.hopsLeft - 1, budgetMs: timeoutMs - RELAY_MARGIN_MS }
  const started = deps.clock.now().getTime()
  const settled = await Promise.allSettled(targets.map((peer) => deps.gateway.listFlavours(peer, forwarded, timeoutMs)))
  const results: DiscoveredFlavour[] = []
  const failed: PeerFailure[] = []
  settled.forEach((outcome, i) => {
    const peer = targets[i]!
    if (outcome.status === 'rejected') failed.push(failureOf(peer, outcome.reason))
    else {
      const kept = outcome.value.results.filter(plausible(peer, deps.self.id, deps.settings.hopLimit))
      results.push(...kept.filter((item) => matchesSelector(item.flavour, request.selector)))
      failed.push(...outcome.value.failed)
    }
  })
  deps.logger.info('DISCOVERY_FANOUT', {
    correlationId: request.correlationId,
    peers: targets.length,
    results: results.length,
    failedPeers: failed.map((f) => f.peerId),
    durationMs: deps.clock.now().getTime() - started,
  })
  return { results, failed }
}

async function remember(deps: DiscoveryDeps, found: readonly DiscoveredFlavour[]): Promise<void> {
  if (deps.self.role === 'catalog' || found.length === 0) return
  const seenAt = deps.clock.now()
  const expiresAt = new Date(seenAt.getTime() + deps.settings.candidateTtlMs)
  await deps.candidates.put(found.map((item) => ({ flavour: item.flavour, route: item.route, seenAt, expiresAt })))
}

/**
 * LIST_FLAVOURS at this participant (seed steps 8–16, XFSC distributed search): local Available
 * Resources, published flavours and fresh Peering Candidates first; only if none match, the request
 * fans out in parallel to every known peer not yet visited, each with a timeout, while hops remain.
 * Failures never abort the search; they are reported. What comes back is de-duplicated by
 * (provider, flavour), stored as Peering Candidates with its route, and returned with routes that
 * start at this participant. A node answering another participant does not fan out.
 */
export async function searchFlavours(deps: DiscoveryDeps, request: RelayRequest, options: { fanOut: boolean }): Promise<RelayAnswer> {
  const peers = options.fanOut ? deps.peers.list() : Promise.resolve([])
  peers.catch(() => {})
  const local = await knownLocally(deps, request)
  if (local.length > 0 || !options.fanOut) return { results: dedupe(local), failed: [] }
  const remote = await fanOut(deps, request, peers)
  const results = dedupe(remote.results)
  await remember(deps, results)
  return { results: via(deps.self.id, results), failed: remote.failed }
}

/** A relay from another participant: supernodes and catalogs fan out, nodes answer from what they know. */
export const answerRelay = (deps: DiscoveryDeps, request: RelayRequest): Promise<RelayAnswer> =>
  searchFlavours(deps, request, { fanOut: deps.self.role !== 'node' })

/** A fresh search started here (no asker): the full hop limit and one per-peer timeout of budget. */
export function freshRequest(deps: DiscoveryDeps, selector: RelayRequest['selector'], correlationId: string): RelayRequest {
  return { selector, visited: [], hopsLeft: deps.settings.hopLimit, correlationId, budgetMs: deps.settings.peerTimeoutMs + RELAY_MARGIN_MS }
}

/**
 * The node's Discovery Manager (seed steps 6–17): one call finds matching flavours across domains
 * through the peers this node knows. Routes are returned from the first hop on (empty for own flavours).
 */
export async function discoverFlavours(deps: DiscoveryDeps, selector: RelayRequest['selector'], correlationId: string): Promise<RelayAnswer> {
  const answer = await searchFlavours(deps, freshRequest(deps, selector, correlationId), { fanOut: true })
  return { results: answer.results.map((item) => ({ flavour: item.flavour, route: item.route.slice(1) })), failed: answer.failed }
}

/**
 * LIST_FLAVORS at a supernode or catalog for an asker that speaks only `/api/v2` (a FLUIDOS Go node):
 * the full relay, answered as plain flavours. Without a selector, every supported type is searched.
 */
export async function relayedFlavours(deps: DiscoveryDeps, selector: Selector | undefined, correlationId: string): Promise<Flavour[]> {
  const selectors = selector ? [selector] : SUPPORTED_FLAVOUR_TYPES.map(emptySelector)
  const answers = await Promise.all(selectors.map((s) => searchFlavours(deps, freshRequest(deps, s, correlationId), { fanOut: true })))
  return answers.flatMap((answer) => answer.results.map((item) => item.flavour))
}
