import { silentLogger } from '../adapters/logging/json-logger.ts'
import { handleChainMessage } from '../core/chain/run-hop.ts'
import type { ChainMessage } from '../core/chain/model.ts'
import type { ChainTransport } from '../core/chain/ports.ts'
import { acceptPublication } from '../core/discovery/accept-publication.ts'
import type { PublicationGateway } from '../core/discovery/publish-to-aggregators.ts'
import { publishToAggregators } from '../core/discovery/publish-to-aggregators.ts'
import { holdsReflected } from '../core/reservations/holds-reflected.ts'
import type { RelayAnswer, RelayRequest } from '../core/discovery/model.ts'
import type { PeerGateway } from '../core/discovery/ports.ts'
import type { DiscoveryDeps } from '../core/discovery/search-flavours.ts'
import { answerRelay } from '../core/discovery/search-flavours.ts'
import { InMemoryRelayVisits } from '../core/discovery/relay-visits.ts'
import type { Peer } from '../core/peers/model.ts'
import type { IdGenerator } from '../core/shared/ports.ts'
import { PeerTimeoutError, PeerUnavailableError } from '../core/shared/errors.ts'
import { chainMessageFromWire, chainMessageToWire } from '../core/wire/chain-codec.ts'
import { relayAnswerFromWire, relayAnswerToWire, relayRequestFromWire, relayRequestToWire } from '../core/wire/relay-codec.ts'
import { aPeer } from '../test/support/factories.ts'
import type { ChainParticipant } from '../test/support/fake-chain-network.ts'
import { FakeChainNetwork } from '../test/support/fake-chain-network.ts'
import { InMemoryRemoteFlavours } from '../test/support/in-memory-discovery.ts'
import { SequentialIds } from '../test/support/sequential-ids.ts'
import type { SimulationOptions } from './options.ts'
import { SeededRandom } from './random.ts'
import { Scheduler } from './scheduler.ts'
import type { Topology } from './topology.ts'

/** How long a chain message's sender waits for the peer's 202 (HttpChainTransport's default), in virtual ms. */
export const CHAIN_SEND_TIMEOUT_MS = 5000
/** A chain message whose handling failed is delivered again this much later, at most `CHAIN_DELIVERIES` times in all (the queue's redrive). */
export const CHAIN_REDELIVERY_MS = 5000
export const CHAIN_DELIVERIES = 5
/** Publications stay offered this long: longer than any run, so providers need not refresh them. */
const PUBLICATION_TTL_MS = 7 * 86_400_000
const CANDIDATE_TTL_MS = 30_000
const HOP_TIMEOUT_SECONDS = 30

/** The traffic of one discovery, keyed by its correlation id. */
export interface DiscoveryTraffic {
  /** Relay calls (a request and its answer on one HTTP exchange). */
  messages: number
  /** Calls that went unanswered (the caller waited its timeout). */
  lost: number
  /** Bytes of encoded requests and answers. */
  bytes: number
  /** Directed links that carried at least one call, `from>to`. */
  links: Set<string>
  /** How often each participant was asked. */
  asked: Map<string, number>
}

export interface ChainTraffic {
  /** Chain messages sent to peers (not counting each participant's own delayed checks). */
  messages: number
  lost: number
  /** Deliveries whose handling threw and were delivered again. */
  redelivered: number
}

/** Chain participants on the simulator's links: calls take their link's latency, some go unanswered. */
class SimChainNetwork extends FakeChainNetwork {
  constructor(private readonly links: { send(from: string, peer: Peer, message: ChainMessage): Promise<void> }) {
    super()
  }

  override transportFor(id: string): ChainTransport {
    return { send: (peer, message) => this.links.send(id, peer, message) }
  }
}

/** Chain ids unique across the federation (each participant's sequential ids, prefixed with its id). */
const idsOf = (self: string): IdGenerator => {
  const ids = new SequentialIds()
  return { next: (prefix = '') => ids.next(`${prefix}${self}-`), transactionId: (now) => ids.transactionId(now), hex: (n) => ids.hex(n) }
}

/**
 * An in-process federation of real participants: discovery (`answerRelay`, `discoverFlavours`) and
 * the chain (`startChain`, `handleChainMessage`, reserve and purchase) on the test suite's in-memory
 * repositories and core's in-memory relay visits (each supernode and catalog fans out once per search), every relay request, answer and chain message encoded and decoded by the wire codecs,
 * carried in virtual time by one scheduler with each link's latency and the failure rate.
 */
export class SimFederation {
  readonly network: SimChainNetwork
  readonly scheduler: Scheduler
  readonly discovery = new Map<string, DiscoveryDeps & { published: InMemoryRemoteFlavours }>()
  readonly discoveries = new Map<string, DiscoveryTraffic>()
  readonly chains = new Map<string, ChainTraffic>()
  private readonly failures: SeededRandom

  constructor(
    readonly topology: Topology,
    readonly options: SimulationOptions,
  ) {
    this.network = new SimChainNetwork({ send: (from, peer, message) => this.sendChain(from, peer, message) })
    this.scheduler = new Scheduler(this.network.clock)
    this.failures = new SeededRandom(options.seed ^ 0x27d4eb2f)
  }

  /** Registers every participant's peers, stocks the providers and delivers their publications. */
  async build(): Promise<void> {
    const { topology } = this
    for (const p of topology.participants.values()) {
      const chain = this.network.add(p.id, p.domain)
      const published = new InMemoryRemoteFlavours()
      chain.deps.ids = idsOf(p.id)
      chain.deps.selfUrl = `http://${p.id}`
      chain.deps.learnt = [chain.deps.candidates, published]
      chain.deps.settings = { hopTimeoutSeconds: HOP_TIMEOUT_SECONDS }
      chain.deps.queue = { enqueue: async (message, delaySeconds) => void this.scheduler.after((delaySeconds ?? 0) * 1000, () => this.deliverChain(p.id, encodeChain(message), 1)) }
      this.discovery.set(p.id, {
        self: { id: p.id, role: p.role },
        flavours: holdsReflected(chain.store.flavourRepository),
        published,
        candidates: chain.deps.candidates,
        peers: chain.peers,
        gateway: this.gatewayFor(p.id),
        relays: new InMemoryRelayVisits(),
        clock: this.network.clock,
        logger: silentLogger,
        settings: { peerTimeoutMs: this.options.peerTimeoutMs, hopLimit: this.options.hopLimit, candidateTtlMs: CANDIDATE_TTL_MS },
      })
    }
    for (const p of topology.participants.values()) {
      const chain = this.participant(p.id)
      for (const id of p.knows) {
        const peer = topology.participants.get(id)!
        await chain.peers.put(aPeer({ id, role: peer.role, domain: peer.domain, baseUrl: `http://${id}` }))
      }
      for (const flavour of p.flavours) await this.network.sell(p.id, flavour)
    }
    for (const provider of topology.providers) await this.republish(provider)
  }

  participant(id: string): ChainParticipant {
    const found = this.network.participants.get(id)
    if (!found) throw new Error(`no participant ${id}`)
    return found
  }

  /**
   * A provider pushes what it has available, holds reflected, to its supernode and the catalogs it
   * knows (`publishToAggregators`, as after a sale); publications are setup, not counted as traffic.
   */
  async republish(provider: string): Promise<void> {
    const node = this.discovery.get(provider)!
    const participant = this.topology.participants.get(provider)!
    const { failed } = await publishToAggregators({
      self: { id: provider, domain: participant.domain },
      flavours: node.flavours,
      peers: node.peers,
      publications: this.publications,
      clock: this.network.clock,
      logger: silentLogger,
      timeoutMs: this.options.peerTimeoutMs,
    })
    if (failed.length) throw new Error(`${provider} could not publish to ${failed.join(', ')}`)
  }

  private readonly publications: PublicationGateway = {
    publish: async (peer, publisherId, flavours) => {
      const target = this.discovery.get(peer.id)!
      const deps = { published: target.published, peers: target.peers, clock: this.network.clock, logger: silentLogger, publicationTtlMs: PUBLICATION_TTL_MS }
      await acceptPublication(deps, publisherId, flavours)
    },
  }

  /** Who each supernode and catalog holds a fresh K8Slice publication of, now: those it does not ask. */
  async publishersNow(): Promise<Map<string, Set<string>>> {
    const now = this.network.clock.now()
    const publishers = new Map<string, Set<string>>()
    for (const id of [...this.topology.supernodes, ...this.topology.catalogs]) {
      const entries = await this.discovery.get(id)!.published.listFresh('k8slice', now)
      publishers.set(id, new Set(entries.map((entry) => entry.route[0]!)))
    }
    return publishers
  }

  trafficOf(correlationId: string): DiscoveryTraffic {
    let traffic = this.discoveries.get(correlationId)
    if (!traffic) this.discoveries.set(correlationId, (traffic = { messages: 0, lost: 0, bytes: 0, links: new Set(), asked: new Map() }))
    return traffic
  }

  chainTrafficOf(chainId: string): ChainTraffic {
    let traffic = this.chains.get(chainId)
    if (!traffic) this.chains.set(chainId, (traffic = { messages: 0, lost: 0, redelivered: 0 }))
    return traffic
  }

  private gatewayFor(self: string): PeerGateway {
    return { listFlavours: (peer, request, timeoutMs) => this.relay(self, peer.id, request, timeoutMs) }
  }

  /** One relay call: the request takes half the link's round trip there, the answer half back; a lost call never answers. */
  private relay(from: string, to: string, request: RelayRequest, timeoutMs: number): Promise<RelayAnswer> {
    const traffic = this.trafficOf(request.correlationId)
    traffic.messages++
    traffic.links.add(`${from}>${to}`)
    traffic.asked.set(to, (traffic.asked.get(to) ?? 0) + 1)
    const body = JSON.stringify(relayRequestToWire(request))
    traffic.bytes += body.length
    const half = this.topology.latency(from, to) / 2
    const lost = this.failures.chance(this.options.failureRate)
    return new Promise((resolve, reject) => {
      let settled = false
      const settle = (done: () => void) => {
        if (settled) return
        settled = true
        timer.cancel()
        done()
      }
      const timer = this.scheduler.after(timeoutMs, () => settle(() => reject(new PeerTimeoutError(to, timeoutMs))))
      if (lost) return void traffic.lost++
      this.scheduler.after(half, () => {
        this.serveRelay(to, body).then(
          (answer) => {
            traffic.bytes += answer.length
            this.scheduler.after(half, () => settle(() => resolve(relayAnswerFromWire(JSON.parse(answer)))))
          },
          (error: unknown) => this.scheduler.after(half, () => settle(() => reject(error))),
        )
      })
    })
  }

  private async serveRelay(to: string, body: string): Promise<string> {
    const target = this.discovery.get(to)
    if (!target) throw new PeerUnavailableError(to, 'connection refused')
    const request = relayRequestFromWire(JSON.parse(body))
    const answer = await answerRelay(target, request)
    const fits = (route: readonly string[]) => !this.options.trimRoutes || route.length <= request.hopsLeft + 2
    return JSON.stringify(relayAnswerToWire({ ...answer, results: answer.results.filter((item) => fits(item.route)) }))
  }

  /** A chain message to a peer: delivered to its queue after half the round trip, acknowledged after the other half. */
  private async sendChain(from: string, peer: Peer, message: ChainMessage): Promise<void> {
    const traffic = this.chainTrafficOf(message.chainId)
    traffic.messages++
    const body = encodeChain(message)
    if (this.failures.chance(this.options.failureRate)) {
      traffic.lost++
      await this.scheduler.delay(CHAIN_SEND_TIMEOUT_MS)
      throw new PeerTimeoutError(peer.id, CHAIN_SEND_TIMEOUT_MS)
    }
    const half = this.topology.latency(from, peer.id) / 2
    await this.scheduler.delay(half)
    this.scheduler.after(0, () => this.deliverChain(peer.id, body, 1))
    await this.scheduler.delay(half)
  }

  private deliverChain(to: string, body: string, delivery: number): void {
    const message = chainMessageFromWire(JSON.parse(body))
    handleChainMessage(this.participant(to).deps, message).catch(() => {
      if (delivery >= CHAIN_DELIVERIES) return
      this.chainTrafficOf(message.chainId).redelivered++
      this.scheduler.after(CHAIN_REDELIVERY_MS, () => this.deliverChain(to, body, delivery + 1))
    })
  }
}

const encodeChain = (message: ChainMessage) => JSON.stringify(chainMessageToWire(message))
