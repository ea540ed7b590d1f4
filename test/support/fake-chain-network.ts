import type { ChainDeps } from '../../core/chain/chain-deps.ts'
import type { ChainMessage } from '../../core/chain/model.ts'
import type { ChainTransport, GoProviderClient } from '../../core/chain/ports.ts'
import type { AgentCommandBody } from '../../core/cluster/cluster-commands.ts'
import { handleChainMessage } from '../../core/chain/run-hop.ts'
import { InMemoryHops } from './in-memory-hops.ts'
import { sweepChains } from '../../core/chain/sweep-chains.ts'
import { publishFlavour } from '../../core/flavours/publish-flavour.ts'
import type { Flavour } from '../../core/flavours/model.ts'
import type { Peer } from '../../core/peers/model.ts'
import { PeerUnavailableError } from '../../core/shared/errors.ts'
import { FakeClock } from './fake-clock.ts'
import { InMemoryPeers, InMemoryRemoteFlavours } from './in-memory-discovery.ts'
import { InMemoryProviderStore } from './in-memory-provider-store.ts'
import { useCaseDeps } from '../../functions/use-case-deps.ts'
import { RecordingLogger } from './recording-logger.ts'
import { SequentialIds } from './sequential-ids.ts'
import { aPeer, aProvider } from './factories.ts'

export { InMemoryHops }

export interface ChainParticipant {
  id: string
  peers: InMemoryPeers
  deps: ChainDeps & { candidates: InMemoryRemoteFlavours }
  store: InMemoryProviderStore
  hops: InMemoryHops
  commands: AgentCommandBody[]
}

/** Chain participants in one process; messages wait in a queue until the test delivers them. */
export class FakeChainNetwork {
  readonly clock = new FakeClock()
  readonly logger = new RecordingLogger()
  readonly participants = new Map<string, ChainParticipant>()
  readonly pending: { to: string; message: ChainMessage }[] = []
  readonly delayed: { to: string; message: ChainMessage }[] = []
  readonly delivered: { to: string; message: ChainMessage }[] = []
  readonly sent: ChainMessage[] = []
  readonly down = new Set<string>()
  goProvider: GoProviderClient = {
    reserve: async () => ({ transactionId: 'go-tx-1' }),
    purchase: async () => {
      throw new PeerUnavailableError('go', 'not configured')
    },
  }

  add(id: string, domain: string): ChainParticipant {
    const store = new InMemoryProviderStore()
    const hops = new InMemoryHops(store.contracts, store.allocations)
    const commands: AgentCommandBody[] = []
    const self = { id, ip: `${id}:1`, domain, liqoId: `liqo-${id}` }
    const ids = new SequentialIds()
    const { reserve, purchase } = useCaseDeps({
      self: aProvider({ id, domain }),
      flavours: store.flavourRepository,
      reservations: store.reservationRepository,
      contracts: store.contractRepository,
      cluster: { peeringCredentials: async () => ({ clusterId: `liqo-${id}`, kubeconfig: 'a3ViZQ==' }) },
      clock: this.clock,
      ids,
      logger: this.logger,
      transactionTtlMs: 3_600_000,
      contractTtlMs: 365 * 86_400_000,
    })
    const peers = new InMemoryPeers()
    const candidates = new InMemoryRemoteFlavours()
    const participant: ChainParticipant = {
      id,
      peers,
      store,
      hops,
      commands,
      deps: {
        self,
        selfUrl: `http://${id}`,
        hops,
        peers,
        candidates,
        learnt: [candidates],
        transport: this.transportFor(id),
        queue: {
          enqueue: async (message: ChainMessage, delaySeconds?: number) => {
            ;(delaySeconds ? this.delayed : this.pending).push({ to: id, message })
          },
        },
        goProviders: { reserve: (...args) => this.goProvider.reserve(...args), purchase: (...args) => this.goProvider.purchase(...args) },
        agent: { send: async (command) => void commands.push(command) },
        reserve,
        purchase,
        clock: this.clock,
        ids,
        logger: this.logger,
        settings: { hopTimeoutSeconds: 30 },
      },
    }
    this.participants.set(id, participant)
    return participant
  }

  /** What `id` sends to peers: queued for the test to deliver, refused while the peer is down. */
  transportFor(_id: string): ChainTransport {
    return {
      send: async (peer: Peer, message: ChainMessage) => {
        if (this.down.has(peer.id)) throw new PeerUnavailableError(peer.id, 'connection refused')
        this.sent.push(message)
        this.pending.push({ to: peer.id, message })
      },
    }
  }

  /** The seed workflow's route: consumer node and supernode, provider supernode and node, in two domains, on one path. */
  static twoDomains(): FakeChainNetwork {
    const network = new FakeChainNetwork()
    for (const [id, domain] of [
      ['consumer-node', 'consumer.local'],
      ['consumer-supernode', 'consumer.local'],
      ['provider-supernode', 'provider.local'],
      ['provider-node', 'provider.local'],
    ] as const) network.add(id, domain)
    network.path('consumer-node', 'consumer-supernode', 'provider-supernode', 'provider-node')
    return network
  }

  /** Every participant knows its neighbours on the path, both ways. */
  path(...ids: string[]): void {
    ids.forEach((id, i) => {
      for (const other of [ids[i - 1], ids[i + 1]]) {
        if (!other) continue
        const peer = aPeer({ id: other, domain: other, role: 'supernode', baseUrl: `http://${other}` })
        this.participants.get(id)!.peers.peers.set(other, peer)
      }
    })
  }

  async sell(id: string, flavour: Flavour): Promise<void> {
    await publishFlavour(this.participants.get(id)!.store.flavourRepository, flavour)
  }

  async deliver(entry: { to: string; message: ChainMessage }): Promise<void> {
    this.delivered.push(entry)
    await handleChainMessage(this.participants.get(entry.to)!.deps, entry.message)
  }

  /** Delivers queued messages, in order, until none are left. */
  async runUntilIdle(limit = 200): Promise<void> {
    for (let i = 0; i < limit && this.pending.length; i++) await this.deliver(this.pending.shift()!)
  }

  /** A restart of every participant with in-memory queues: whatever was queued is gone. */
  loseQueuedMessages(): number {
    return this.pending.splice(0).length + this.delayed.splice(0).length
  }

  /** Runs every participant's chain sweeper once, then delivers what it sent. */
  async sweepAll(): Promise<void> {
    for (const participant of this.participants.values()) await sweepChains(participant.deps)
    await this.runUntilIdle()
  }

  async fireTimeouts(): Promise<void> {
    this.pending.push(...this.delayed.splice(0))
    await this.runUntilIdle()
  }
}
