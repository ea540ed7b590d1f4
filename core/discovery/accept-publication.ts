import { ForbiddenError } from '../shared/errors.ts'
import type { Clock, Logger } from '../shared/ports.ts'
import type { Flavour } from '../flavours/model.ts'
import type { PeerRepository } from '../peers/ports.ts'
import type { PublishedFlavourRepository } from './ports.ts'

export interface AcceptPublicationDeps {
  published: PublishedFlavourRepository
  peers: PeerRepository
  clock: Clock
  logger: Logger
  /** How long a published flavour stays offered without a refresh, in milliseconds. */
  publicationTtlMs: number
}

/**
 * A supernode or catalog takes a provider's published set. Only registered peers may publish, and
 * only flavours they own; entries not refreshed within the TTL are no longer offered.
 */
export async function acceptPublication(deps: AcceptPublicationDeps, publisherId: string, flavours: readonly Flavour[]) {
  const publisher = await deps.peers.get(publisherId)
  if (!publisher) throw new ForbiddenError(`${publisherId} is not a registered peer of this participant`)
  const foreign = flavours.find((f) => f.owner.id !== publisherId)
  if (foreign) throw new ForbiddenError(`${publisherId} may only publish its own flavours, not ${foreign.id} of ${foreign.owner.id}`)
  const seenAt = deps.clock.now()
  const expiresAt = new Date(seenAt.getTime() + deps.publicationTtlMs)
  const entries = flavours.filter((f) => f.available).map((flavour) => ({ flavour, route: [publisherId], seenAt, expiresAt }))
  const { withdrawn } = await deps.published.replaceSet(publisherId, entries)
  deps.logger.info('PUBLICATION_ACCEPTED', { publisherId, flavours: entries.length, withdrawn })
  return { accepted: entries.length, withdrawn, expiresAt }
}
