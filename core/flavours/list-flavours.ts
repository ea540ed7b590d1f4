import type { Flavour } from './model.ts'
import type { FlavourRepository } from './ports.ts'
import type { Selector } from './selector.ts'
import { matchesSelector } from './selector.ts'

/** LIST_FLAVOURS: every available flavour, or those matching a selector (the matching ones, unlike bug 1). */
export async function listFlavours(flavours: FlavourRepository, selector?: Selector): Promise<Flavour[]> {
  if (!selector) return flavours.listAvailable()
  const candidates = await flavours.listAvailable(selector.type)
  return candidates.filter((flavour) => matchesSelector(flavour, selector))
}
