import * as z from 'zod'
import { isRearError } from '../shared/errors.ts'
import { SUPPORTED_FLAVOUR_TYPES } from '../flavours/model.ts'
import type { DiscoveredFlavour, RelayAnswer, RelayRequest } from '../discovery/model.ts'
import { DEFAULT_RELAY_PAGE, MAX_RELAY_PAGE } from '../discovery/model.ts'
import { decodeIndexCursor, encodeIndexCursor } from '../catalog/index-cursor.ts'
import { flavourFromWire, flavourToWire } from './flavour-codec.ts'
import { encodeSelectorQuery, parseSelectorQuery } from './selector-query.ts'
import { decodeWith, wireId } from './wire-object.ts'

/** Participant ids in visited lists and routes: routes are stored with candidates, so bounded like every stored id. */
const participantId = wireId

/** rear-cloud's relay of LIST_FLAVOURS between participants (not part of FLUIDOS v0.1). */
export const relayRequestWire = z.strictObject({
  type: z.enum(SUPPORTED_FLAVOUR_TYPES),
  selector: z.string().max(4096).default(''),
  visited: z.array(participantId).max(64),
  hopsLeft: z.number().int().min(0).max(16),
  correlationId: z.string().min(1).max(128),
  budgetMs: z.number().int().min(0).max(60_000),
  /** Ask peers instead of answering from what was learnt before, at every relay. */
  fresh: z.boolean().optional(),
  /** Results wanted in this answer (default 1,000), cheapest first. */
  limit: z.number().int().min(1).max(MAX_RELAY_PAGE).optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(4096).optional(),
})

export function relayRequestFromWire(body: unknown): RelayRequest {
  const wire = decodeWith(relayRequestWire, body, 'relay request')
  return {
    selector: parseSelectorQuery(wire.type, new URLSearchParams(wire.selector).entries()),
    visited: wire.visited,
    hopsLeft: wire.hopsLeft,
    correlationId: wire.correlationId,
    budgetMs: wire.budgetMs,
    ...(wire.fresh ? { fresh: true } : {}),
    ...(wire.limit !== undefined || wire.cursor !== undefined
      ? { page: { limit: wire.limit ?? DEFAULT_RELAY_PAGE, ...(wire.cursor !== undefined ? { after: decodeIndexCursor(wire.cursor) } : {}) } }
      : {}),
  }
}

export const relayRequestToWire = (request: RelayRequest): z.input<typeof relayRequestWire> => ({
  type: request.selector.type,
  selector: encodeSelectorQuery(request.selector),
  visited: request.visited,
  hopsLeft: request.hopsLeft,
  correlationId: request.correlationId,
  budgetMs: request.budgetMs,
  ...(request.fresh ? { fresh: true } : {}),
  ...(request.page ? { limit: request.page.limit, ...(request.page.after ? { cursor: encodeIndexCursor(request.page.after) } : {}) } : {}),
})

export const relayAnswerWire = z.object({
  results: z
    .array(
      z.object({
        flavor: z.unknown(),
        route: z.array(participantId).min(1).max(32),
        /** How long ago the result was known at its source, in milliseconds (absent: just now). */
        ageMs: z.number().int().min(0).max(86_400_000).optional(),
      }),
    )
    .max(10_000),
  failed: z.array(z.object({ peerId: z.string(), kind: z.enum(['timeout', 'unreachable', 'status', 'invalid-answer']), reason: z.string() })).default([]),
  /** Present iff more results follow: the `cursor` of the next page. */
  nextCursor: z.string().max(4096).optional(),
  /** A relay on the way answered a repeat of the search from its own knowledge only: not to be cached as the whole answer. */
  partial: z.boolean().optional(),
})

/** Decodes a peer's answer; results whose flavour cannot be decoded (e.g. VM) are skipped, not fatal. */
export function relayAnswerFromWire(body: unknown): RelayAnswer {
  const wire = decodeWith(relayAnswerWire, body, 'relay answer')
  const results: DiscoveredFlavour[] = []
  for (const item of wire.results) {
    try {
      results.push({ flavour: flavourFromWire(item.flavor), route: item.route, ...(item.ageMs ? { ageMs: item.ageMs } : {}) })
    } catch (error) {
      if (!isRearError(error)) throw error
    }
  }
  return { results, failed: wire.failed, ...(wire.nextCursor !== undefined ? { next: decodeIndexCursor(wire.nextCursor) } : {}), ...(wire.partial ? { partial: true } : {}) }
}

export const relayAnswerToWire = (answer: RelayAnswer) => ({
  results: answer.results.map((item) => ({ flavor: flavourToWire(item.flavour), route: item.route, ...(item.ageMs && item.ageMs > 0 ? { ageMs: Math.min(86_400_000, Math.round(item.ageMs)) } : {}) })),
  failed: answer.failed,
  ...(answer.next ? { nextCursor: encodeIndexCursor(answer.next) } : {}),
  ...(answer.partial ? { partial: true } : {}),
})
