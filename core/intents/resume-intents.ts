import type { Clock, Logger } from '../shared/ports.ts'
import { MAX_DEADLINE_SECONDS } from '../wire/intent-codec.ts'
import { isFinalPhase } from './model.ts'
import type { IntentQueue, IntentRepository } from './ports.ts'

/** An intent whose step has not moved for this long lost its message (waits are at most 5 s), in milliseconds. */
export const STALLED_AFTER_MS = 60_000
/** How far back the sweeper looks: every intent that can still be live, with room for a late cleanup. */
const LOOK_BACK_MS = 2 * MAX_DEADLINE_SECONDS * 1000
const PAGE = 100

/**
 * For the participant's sweeper (every minute): queues again the current step of every intent that
 * is neither over nor moving (its step message went to the DLQ, or an in-memory queue was lost).
 * The message carries the step count, so if the original turns up after all, one of them is stale.
 * Returns how many intents were resumed.
 */
export async function resumeStalledIntents(deps: { intents: IntentRepository; queue: IntentQueue; clock: Clock; logger: Logger }): Promise<number> {
  const now = deps.clock.now().getTime()
  let cursor: string | undefined
  let resumed = 0
  for (;;) {
    const page = await deps.intents.list(PAGE, cursor)
    for (const intent of page.intents) {
      if (now - intent.createdAt.getTime() > LOOK_BACK_MS) return resumed
      const live = !isFinalPhase(intent.phase) || intent.step === 'cleanup'
      if (!live || intent.step === 'done' || now - intent.updatedAt.getTime() < STALLED_AFTER_MS) continue
      await deps.queue.enqueue({ kind: 'intent-step', intentId: intent.id, attempt: intent.stepCount })
      deps.logger.warn('INTENT_RESUMED', { intentId: intent.id, step: intent.step, stalledMs: now - intent.updatedAt.getTime() })
      resumed++
    }
    if (!page.next) return resumed
    cursor = page.next
  }
}
