import * as z from 'zod'
import { ValidationError } from '../shared/errors.ts'
import type { Flavour } from '../flavours/model.ts'
import type { PublicationPart } from '../discovery/model.ts'
import { MAX_PUBLISHED_FLAVOURS } from '../discovery/model.ts'
import { flavourFromWire, flavourToWire } from './flavour-codec.ts'
import { decodeWith } from './wire-object.ts'

/**
 * The largest body a publication part is sent in. Aggregators must accept bodies this large
 * (`MAX_BODY_BYTES` ≥ 131072, half the default), whatever the size of the whole set.
 */
export const PUBLICATION_PART_BYTES = 128 * 1024

export const publicationPartWire = z.strictObject({
  publication: z.string().min(1).max(128),
  index: z.number().int().min(1).max(1_000),
  count: z.number().int().min(1).max(1_000),
})

/**
 * A provider's whole set of flavours pushed to a supernode or catalog (REFRESH and WITHDRAW in one),
 * in one body or, when larger than {@link PUBLICATION_PART_BYTES}, in parts sent in order.
 */
export const publicationWire = z.strictObject({ flavors: z.array(z.unknown()).max(MAX_PUBLISHED_FLAVOURS), part: publicationPartWire.optional() })

export function publicationFromWire(body: unknown): { flavours: Flavour[]; part?: PublicationPart } {
  const wire = decodeWith(publicationWire, body, 'publication')
  if (wire.part && wire.part.index > wire.part.count) {
    throw new ValidationError(`part.index ${wire.part.index} is past part.count ${wire.part.count}`, { code: 'INVALID_BODY' })
  }
  return { flavours: wire.flavors.map((flavour) => flavourFromWire(flavour)), ...(wire.part ? { part: wire.part } : {}) }
}

const encoder = new TextEncoder()

/**
 * The request bodies of one publication: a single body without `part` when the set fits in
 * `maxBytes` (what every rear-cloud aggregator accepts), otherwise parts of at most `maxBytes`
 * sharing `publication` as their id.
 */
export function publicationBodies(flavours: readonly Flavour[], publication: string, maxBytes = PUBLICATION_PART_BYTES): string[] {
  const items = flavours.map((flavour) => JSON.stringify(flavourToWire(flavour)))
  const whole = `{"flavors":[${items.join(',')}]}`
  if (encoder.encode(whole).length <= maxBytes) return [whole]
  const budget = maxBytes - encoder.encode(JSON.stringify({ flavors: [], part: { publication, index: 1_000, count: 1_000 } })).length
  const parts: string[][] = [[]]
  let size = 0
  for (const item of items) {
    const bytes = encoder.encode(item).length + 1
    if (size + bytes > budget && parts.at(-1)!.length > 0) {
      parts.push([])
      size = 0
    }
    parts.at(-1)!.push(item)
    size += bytes
  }
  return parts.map((part, i) => `{"flavors":[${part.join(',')}],"part":${JSON.stringify({ publication, index: i + 1, count: parts.length })}}`)
}
