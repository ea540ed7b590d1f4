import { ValidationError } from '../shared/errors.ts'
import type { ChainFailure, ChainMessage, ChainPayload, Hop, HopState, OutboxEntry } from './model.ts'
import { TRANSITIONS, messageId } from './model.ts'

/** A new version of `hop` in `state`, with a timeline entry; refuses transitions the state machine does not have. */
export function moveTo(hop: Hop, state: HopState, at: Date, event: string, detail?: string): Hop {
  if (hop.state !== state && !TRANSITIONS[hop.state].includes(state)) {
    throw new ValidationError(`Chain ${hop.chainId}: no transition from ${hop.state} to ${state}`, { code: 'INVALID_TRANSITION' })
  }
  return { ...hop, state, updatedAt: at, timeline: [...hop.timeline, { at, event, ...(detail ? { detail } : {}) }] }
}

export function note(hop: Hop, at: Date, event: string, detail?: string): Hop {
  return { ...hop, updatedAt: at, timeline: [...hop.timeline, { at, event, ...(detail ? { detail } : {}) }] }
}

/** Builds the message `from` sends to `to` in this chain. */
export function message(hop: Hop, from: string, to: string, payload: ChainPayload, at: Date): ChainMessage {
  return { id: messageId(hop.chainId, payload.type, from), chainId: hop.chainId, from, to, route: hop.route, payload, sentAt: at }
}

export const send = (msg: ChainMessage, delaySeconds?: number): OutboxEntry => ({ kind: 'message', message: msg, ...(delaySeconds ? { delaySeconds } : {}) })

export const withOutbox = (hop: Hop, ...entries: OutboxEntry[]): Hop => ({ ...hop, outbox: [...hop.outbox, ...entries] })

/** Fails a hop: upstream is told (the origin has no upstream) and whatever downstream may hold is released. */
export function fail(hop: Hop, self: string, failure: ChainFailure, at: Date, phase: 'reserve' | 'purchase', releaseDownstream: boolean): Hop {
  let next = moveTo({ ...hop, failure, outbox: dropDownstreamForwards(hop) }, 'failed', at, 'FAILED', `${failure.hop}: ${failure.code} ${failure.reason}`)
  if (hop.upstream) {
    next = withOutbox(next, send(message(hop, self, hop.upstream, { type: phase === 'reserve' ? 'RESERVE_FAIL' : 'PURCHASE_FAIL', failure }, at)))
  }
  if (releaseDownstream && hop.downstream) {
    next = withOutbox(next, send(message(hop, self, hop.downstream, { type: 'RELEASE', reason: `${failure.code} at ${failure.hop}` }, at)))
  }
  return next
}

function dropDownstreamForwards(hop: Hop): OutboxEntry[] {
  return hop.outbox.filter((e) => !(e.kind === 'message' && e.message.to === hop.downstream && (e.message.payload.type === 'RESERVE' || e.message.payload.type === 'PURCHASE')))
}
