import * as z from 'zod'
import type { Peer } from '../peers/model.ts'
import { PEER_PROTOCOLS, ROLES } from '../peers/model.ts'
import { decodeWith } from './wire-object.ts'

export const peerWire = z.strictObject({
  id: z.string().min(1).max(256),
  domain: z.string().max(256).default(''),
  role: z.enum(ROLES),
  baseUrl: z.string().min(1).max(2048),
  protocol: z.enum(PEER_PROTOCOLS).default('rear-cloud'),
})

/** A peer registration (our admin API; `id` comes from the path when given there). */
export function peerFromWire(body: unknown): Peer {
  return decodeWith(peerWire, body, 'peer')
}
