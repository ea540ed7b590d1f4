import { PeerTimeoutError, PeerUnavailableError } from '../../core/shared/errors.ts'
import type { Flavour } from '../../core/flavours/model.ts'
import { publishFlavour } from '../../core/flavours/publish-flavour.ts'
import type { RelayAnswer, RelayRequest } from '../../core/discovery/model.ts'
import type { PeerGateway } from '../../core/discovery/ports.ts'
import type { DiscoveryDeps } from '../../core/discovery/search-flavours.ts'
import { answerRelay } from '../../core/discovery/search-flavours.ts'
import { acceptPublication } from '../../core/discovery/accept-publication.ts'
import { InMemoryRelayVisits } from '../../core/discovery/relay-visits.ts'
import type { Peer, Role } from '../../core/peers/model.ts'
import { FakeClock } from './fake-clock.ts'
import { aPeer } from './factories.ts'
import { InMemoryPeers, InMemoryRemoteFlavours } from './in-memory-discovery.ts'
import { InMemoryProviderStore } from './in-memory-provider-store.ts'
import { RecordingLogger } from './recording-logger.ts'

export type Behaviour = 'answer' | 'hang' | 'fail'

export interface FakeParticipant {
  peer: Peer
  deps: DiscoveryDeps & { published: InMemoryRemoteFlavours; candidates: InMemoryRemoteFlavours; peers: InMemoryPeers; relays: InMemoryRelayVisits }
  store: InMemoryProviderStore
  received: RelayRequest[]
}

/** Participants in one process, relaying to each other through a gateway that can hang or fail. */
export class FakeNetwork {
  readonly clock = new FakeClock()
  readonly logger = new RecordingLogger()
  readonly participants = new Map<string, FakeParticipant>()
  readonly behaviour = new Map<string, Behaviour>()

  readonly gateway: PeerGateway = {
    listFlavours: async (peer: Peer, request: RelayRequest, timeoutMs: number): Promise<RelayAnswer> => {
      const behaviour = this.behaviour.get(peer.id) ?? 'answer'
      if (behaviour === 'hang') throw new PeerTimeoutError(peer.id, timeoutMs)
      if (behaviour === 'fail') throw new PeerUnavailableError(peer.id, 'answered 500', { details: { status: 500 } })
      const target = this.participants.get(peer.id)
      if (!target) throw new PeerUnavailableError(peer.id, 'connection refused')
      target.received.push(request)
      return answerRelay(target.deps, request)
    },
  }

  add(id: string, role: Role, domain: string): FakeParticipant {
    const store = new InMemoryProviderStore()
    const participant: FakeParticipant = {
      peer: aPeer({ id, role, domain }),
      store,
      received: [],
      deps: {
        self: { id, role },
        flavours: store.flavourRepository,
        published: new InMemoryRemoteFlavours(),
        candidates: new InMemoryRemoteFlavours(),
        peers: new InMemoryPeers(),
        gateway: this.gateway,
        relays: new InMemoryRelayVisits(),
        clock: this.clock,
        logger: this.logger,
        settings: { peerTimeoutMs: 2000, hopLimit: 4, candidateTtlMs: 30_000 },
      },
    }
    this.participants.set(id, participant)
    return participant
  }

  /** `a` knows `b` (one direction). */
  link(a: string, b: string): void {
    this.participants.get(a)!.deps.peers.peers.set(b, this.participants.get(b)!.peer)
  }

  async sell(id: string, flavour: Flavour): Promise<void> {
    await publishFlavour(this.participants.get(id)!.store.flavourRepository, flavour)
  }

  /** `provider` publishes its flavours to `aggregator`, which must know it. */
  async publish(provider: string, aggregator: string, flavours: readonly Flavour[]): Promise<void> {
    const target = this.participants.get(aggregator)!
    await acceptPublication(
      { published: target.deps.published, peers: target.deps.peers, clock: this.clock, logger: this.logger, publicationTtlMs: 180_000 },
      provider,
      flavours,
    )
  }
}
