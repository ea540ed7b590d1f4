import type { Flavour } from '../flavours/model.ts'
import type { Selector } from '../flavours/selector.ts'
import type { RemoteFlavour, ResultPage } from './model.ts'

/** One keyset page of a local listing, in result order, and whether more match after it. */
export interface ListingPage<T> {
  items: T[]
  more: boolean
}

/**
 * A local listing served from a warm index: discovery reads one page of what matches instead of the
 * whole listing, so a catalog of a million flavours answers in milliseconds. Fresh: every write
 * committed before the call is in it.
 */
export interface LocalListing<T> {
  page(selector: Selector, page: ResultPage): Promise<ListingPage<T>>
}

/** A participant's indexed listings: its own flavours (nodes) and what providers published to it (supernodes, catalogs). */
export interface LocalListings {
  own?: LocalListing<Flavour>
  published?: LocalListing<RemoteFlavour> & {
    /** Publishers with at least one listed flavour (as of the latest page read): their publication answers for them, so they are not asked. */
    publishers(): Promise<Set<string>>
  }
}
