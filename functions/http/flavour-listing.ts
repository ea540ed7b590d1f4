import type { WarmIndex } from '../../core/catalog/indexed-listing.ts'
import type { Flavour } from '../../core/flavours/model.ts'
import type { Selector } from '../../core/flavours/selector.ts'
import { flavoursToJson } from '../../core/wire/flavour-codec.ts'
import { selectorKey } from '../../core/discovery/model.ts'

/** A LIST_FLAVORS answer: the JSON array text, how many flavours it holds and how many matched in all. */
export interface ListingAnswer {
  body: string | Uint8Array<ArrayBuffer>
  count: number
  matched: number
}

/** What LIST_FLAVORS answers for a selector (every flavour when undefined), at most a configured number. */
export type FlavourListing = (selector: Selector | undefined, correlationId: string) => Promise<ListingAnswer>

/** The JSON array whose elements are the given JSON texts, built without parsing them. */
export function jsonArrayOf(elements: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const size = elements.reduce((sum, element) => sum + element.byteLength, 0) + Math.max(1, elements.length) + 1
  const out = new Uint8Array(size)
  out[0] = 0x5b
  let at = 1
  elements.forEach((element, i) => {
    if (i > 0) out[at++] = 0x2c
    out.set(element, at)
    at += element.byteLength
  })
  out[at] = 0x5d
  return out.subarray(0, at + 1)
}

/** A listing from a list of flavours (relayed by an aggregator, or read from a repository), cut to `max`. */
export function listingOf(list: (selector: Selector | undefined, correlationId: string) => Promise<Flavour[]>, max: number): FlavourListing {
  return async (selector, correlationId) => {
    const flavours = await list(selector, correlationId)
    const kept = flavours.length > max ? flavours.slice(0, max) : flavours
    return { body: flavoursToJson(kept), count: kept.length, matched: flavours.length }
  }
}

/** Answers kept per selector while the index does not change (the most recent ones). */
const CACHED_ANSWERS = 64

/**
 * A node's own listing from its warm index: every write committed before the call is seen, cheapest
 * first. An answer rendered for a selector is served again while no row has changed since.
 */
export function indexedListing(warm: WarmIndex, max: number): FlavourListing {
  let cached = { version: -1, answers: new Map<string, ListingAnswer>() }
  return async (selector) => {
    const state = await warm.fresh()
    if (cached.version !== state.version) cached = { version: state.version, answers: new Map() }
    const key = selector ? selectorKey(selector) : '*'
    const hit = cached.answers.get(key)
    if (hit) return hit
    const page = state.index.query(selector, { limit: max })
    const answer = { body: jsonArrayOf(page.rows.map((row) => row.payload)), count: page.rows.length, matched: page.total }
    if (cached.answers.size >= CACHED_ANSWERS) cached.answers.delete(cached.answers.keys().next().value!)
    cached.answers.set(key, answer)
    return answer
  }
}
