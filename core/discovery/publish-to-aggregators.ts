import type { Clock, Logger } from '../shared/ports.ts'
import type { Flavour } from '../flavours/model.ts'
import type { FlavourRepository } from '../flavours/ports.ts'
import type { Peer } from '../peers/model.ts'
import type { PeerRepository } from '../peers/ports.ts'
import { MAX_PUBLISHED_FLAVOURS } from './model.ts'

/** Pushes a provider's flavour set to a supernode or catalog (replacing what it published before). */
export interface PublicationGateway {
  publish(peer: Peer, publisherId: string, flavours: readonly Flavour[], timeoutMs: number): Promise<void>
}

export interface PublishDeps {
  self: { id: string; domain: string }
  flavours: FlavourRepository
  peers: PeerRepository
  publications: PublicationGateway
  clock: Clock
  logger: Logger
  timeoutMs: number
}

/** Aggregators a node publishes to: every catalog it knows and the supernodes of its own domain. */
const isAggregatorFor = (domain: string) => (peer: Peer) =>
  peer.protocol === 'rear-cloud' && (peer.role === 'catalog' || (peer.role === 'supernode' && peer.domain === domain))

/**
 * REFRESH / WITHDRAW (REAR's optional messages) as a periodic push: the node sends its whole current
 * set of available flavours to each aggregator (in parts when large), which refreshes those, adds new
 * ones and withdraws the rest. A set over {@link MAX_PUBLISHED_FLAVOURS} is not sent at all.
 * Returns the ids of the aggregators that could not be reached.
 */
export async function publishToAggregators(deps: PublishDeps): Promise<{ published: number; failed: string[] }> {
  const flavours = await deps.flavours.listAvailable()
  const targets = (await deps.peers.list()).filter(isAggregatorFor(deps.self.domain))
  if (flavours.length > MAX_PUBLISHED_FLAVOURS) {
    deps.logger.error('PUBLICATION_TOO_LARGE', { flavours: flavours.length, limit: MAX_PUBLISHED_FLAVOURS, aggregators: targets.map((peer) => peer.id) })
    return { published: 0, failed: targets.map((peer) => peer.id) }
  }
  const settled = await Promise.allSettled(targets.map((peer) => deps.publications.publish(peer, deps.self.id, flavours, deps.timeoutMs)))
  const failed = targets.filter((_, i) => settled[i]?.status === 'rejected').map((peer) => peer.id)
  deps.logger.info('FLAVOURS_PUBLISHED', { flavours: flavours.length, aggregators: targets.length, failed })
  return { published: targets.length - failed.length, failed }
}
