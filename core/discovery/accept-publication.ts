import { ConflictError, ForbiddenError, ValidationError } from '../shared/errors.ts'
import type { Clock, Logger } from '../shared/ports.ts'
import type { Flavour } from '../flavours/model.ts'
import type { PeerRepository } from '../peers/ports.ts'
import type { PendingPublication, PublicationPart } from './model.ts'
import { MAX_PUBLISHED_FLAVOURS, providerKey } from './model.ts'
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
 * A supernode or catalog takes a provider's published set, whole or in parts. Only registered peers
 * may publish, and only flavours they own. Each part's flavours are offered at once; the set is
 * replaced (what no part named is withdrawn) only when the last part arrives, so a publication cut
 * short withdraws nothing. Parts come in order; entries not refreshed within the TTL are no longer offered.
 */
export async function acceptPublication(deps: AcceptPublicationDeps, publisherId: string, flavours: readonly Flavour[], part?: PublicationPart) {
  const publisher = await deps.peers.get(publisherId)
  if (!publisher) throw new ForbiddenError(`${publisherId} is not a registered peer of this participant`)
  const foreign = flavours.find((f) => f.owner.id !== publisherId)
  if (foreign) throw new ForbiddenError(`${publisherId} may only publish its own flavours, not ${foreign.id} of ${foreign.owner.id}`)
  const seenAt = deps.clock.now()
  const expiresAt = new Date(seenAt.getTime() + deps.publicationTtlMs)
  const entries = flavours.filter((f) => f.available).map((flavour) => ({ flavour, route: [publisherId], seenAt, expiresAt }))
  const earlier = part && part.count > 1 ? await earlierParts(deps, publisherId, part) : undefined
  const keys = [...(earlier?.keys ?? []), ...entries.map((entry) => providerKey(entry.flavour))]
  if (new Set(keys).size > MAX_PUBLISHED_FLAVOURS) {
    throw new ValidationError(`A publication carries at most ${MAX_PUBLISHED_FLAVOURS} flavours across its parts`, { code: 'PUBLICATION_TOO_LARGE' })
  }
  if (part && part.index < part.count) {
    await deps.published.putPart(publisherId, entries, { publication: part.publication, count: part.count, received: part.index, keys })
    deps.logger.info('PUBLICATION_PART_ACCEPTED', { publisherId, publication: part.publication, part: part.index, of: part.count, flavours: entries.length })
    return { accepted: entries.length, withdrawn: 0, complete: false, expiresAt }
  }
  const { withdrawn } = await deps.published.replaceSet(publisherId, entries, earlier?.keys ?? [])
  deps.logger.info('PUBLICATION_ACCEPTED', { publisherId, flavours: keys.length, withdrawn, ...(part ? { publication: part.publication, parts: part.count } : {}) })
  return { accepted: entries.length, withdrawn, complete: true, expiresAt }
}

/** The parts before this one; a first part starts the publication over, a later one must follow the last. */
async function earlierParts(deps: AcceptPublicationDeps, publisherId: string, part: PublicationPart): Promise<PendingPublication | undefined> {
  if (part.index === 1) return undefined
  const pending = await deps.published.pendingPublication(publisherId)
  if (!pending || pending.publication !== part.publication || pending.count !== part.count || pending.received !== part.index - 1) {
    const expected = pending ? `part ${pending.received + 1} of ${pending.count} of publication ${pending.publication}` : 'a first part'
    throw new ConflictError(`Part ${part.index} of ${part.count} of publication ${part.publication} is out of order: expected ${expected}`, {
      code: 'PUBLICATION_OUT_OF_ORDER',
    })
  }
  return pending
}
