import type { Intent } from './model.ts'

/** Longest timeline message kept. */
const MAX_MESSAGE = 512
/** Most timeline entries one intent keeps (waits add none; failover adds a few per candidate). */
export const MAX_TIMELINE = 200

/** `intent` with one more timeline line, numbered as the seed workflow. */
export const noted = (intent: Intent, at: Date, step: number, participant: string, message: string): Intent =>
  intent.timeline.length >= MAX_TIMELINE ? intent : { ...intent, timeline: [...intent.timeline, { at, step, participant, message: message.slice(0, MAX_MESSAGE) }] }
