import type { IndexCursor } from '../catalog/index-cursor.ts'
import { compareRows, isAfter } from '../catalog/index-cursor.ts'
import { priceKey } from '../catalog/flavour-columns.ts'
import type { DiscoveredFlavour, RelayRequest, ResultPage } from './model.ts'
import { DEFAULT_RELAY_PAGE, providerKey, selectorKey } from './model.ts'

/** A result's place in result order: cheapest first (price amount as a number, unparseable last), then flavour id, then provider. */
export const resultCursor = (item: DiscoveredFlavour): IndexCursor => ({ price: priceKey(item.flavour.price.amount), id: item.flavour.id, key: providerKey(item.flavour) })

/** The page a request asks for, the default one when it names none. */
export const pageOf = (request: RelayRequest): ResultPage => request.page ?? { limit: DEFAULT_RELAY_PAGE }

/**
 * One page of de-duplicated results: those after the page's cursor, in result order, at most its
 * limit. More follow when some were left out here, or when a source answered only a page itself
 * (`moreBeyond`): each source gave its first `limit` after the same cursor, so their merge is exact.
 */
export function pageResults(results: readonly DiscoveredFlavour[], page: ResultPage, moreBeyond = false): { results: DiscoveredFlavour[]; next?: IndexCursor } {
  const { after } = page
  const keyed = results.map((item) => ({ item, at: resultCursor(item) }))
  const candidates = after ? keyed.filter(({ at }) => isAfter(at.price, at.id, at.key!, after)) : keyed
  candidates.sort((a, b) => compareRows(a.at.price, a.at.id, a.at.key!, b.at.price, b.at.id, b.at.key!))
  const kept = candidates.slice(0, page.limit)
  const more = kept.length > 0 && (candidates.length > kept.length || moreBeyond)
  return { results: kept.map(({ item }) => item), ...(more ? { next: kept.at(-1)!.at } : {}) }
}

/** What a learnt answer was asked for: the selector, and the page unless it is the default first page. */
export function answerKey(request: RelayRequest): string {
  const page = pageOf(request)
  const key = selectorKey(request.selector)
  if (page.limit === DEFAULT_RELAY_PAGE && !page.after) return key
  return `${key}|${page.limit}|${page.after ? JSON.stringify([page.after.price, page.after.id, page.after.key ?? '']) : ''}`
}
