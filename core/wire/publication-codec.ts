import * as z from 'zod'
import type { Flavour } from '../flavours/model.ts'
import { flavourFromWire, flavourToWire } from './flavour-codec.ts'
import { decodeWith } from './wire-object.ts'

/** A provider's whole set of flavours pushed to a supernode or catalog (REFRESH and WITHDRAW in one). */
export const publicationWire = z.strictObject({ flavors: z.array(z.unknown()).max(5_000) })

export function publicationFromWire(body: unknown): Flavour[] {
  return decodeWith(publicationWire, body, 'publication').flavors.map((wire) => flavourFromWire(wire))
}

export const publicationToWire = (flavours: readonly Flavour[]) => ({ flavors: flavours.map(flavourToWire) })
