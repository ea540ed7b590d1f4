import { ValidationError } from '../shared/errors.ts'
import type { SupportedFlavourType } from '../flavours/model.ts'
import { SUPPORTED_FLAVOUR_TYPES } from '../flavours/model.ts'
import type { RemoteFlavour } from './model.ts'
import { providerKey } from './model.ts'
import type { RemoteFlavourRepository } from './ports.ts'

/** Where a listing goes on: the type it reached and the last (provider, flavour) key it returned. */
export interface LearntCursor {
  type: SupportedFlavourType
  after?: string
}

export interface LearntPage {
  entries: RemoteFlavour[]
  next?: LearntCursor
}

/**
 * One bounded page of what a participant learnt (candidates, or publications on an aggregator), type
 * by type in (provider, flavour) order, stale entries included, so an operator can see every entry
 * with its route and age without the listing growing with the store.
 */
export async function listLearnt(
  store: RemoteFlavourRepository,
  options: { type?: SupportedFlavourType; limit: number; cursor?: LearntCursor },
): Promise<LearntPage> {
  const types = options.type ? [options.type] : SUPPORTED_FLAVOUR_TYPES
  const start = options.cursor ? types.indexOf(options.cursor.type) : 0
  if (start < 0) throw new ValidationError(`cursor continues a listing of ${options.cursor!.type}, not of ${options.type}`, { code: 'INVALID_PARAMETER' })
  const entries: RemoteFlavour[] = []
  for (let i = start; i < types.length; i++) {
    const type = types[i]!
    const after = i === start ? options.cursor?.after : undefined
    const page = await store.page(type, { limit: options.limit - entries.length, ...(after === undefined ? {} : { after }) })
    entries.push(...page)
    if (entries.length === options.limit) return { entries, next: { type, after: providerKey(entries.at(-1)!.flavour) } }
  }
  return { entries }
}
