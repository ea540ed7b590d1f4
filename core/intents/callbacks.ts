import { isRearError } from '../shared/errors.ts'
import { retryOnContention } from '../shared/retry.ts'
import { intentView } from '../wire/intent-codec.ts'
import type { Intent, IntentCallback, IntentMessage } from './model.ts'
import type { OrchestratorDeps } from './orchestrate.ts'

/** Tries of one callback delivery before it is dead-lettered. */
export const MAX_CALLBACK_ATTEMPTS = 8

/** Delay before try `attempt + 1`, in seconds: 5·2^attempt, at most SQS's 900. */
export const callbackDelaySeconds = (attempt: number) => Math.min(900, 5 * 2 ** attempt)

/** The callback body: Standard Webhooks' `{type, timestamp, data}` with the intent's status. */
export const callbackBody = (intent: Intent, phase: Intent['phase'], at: Date) => ({
  type: 'intent.phase_changed',
  timestamp: at.toISOString(),
  data: { ...intentView(intent), phase, currentPhase: intent.phase },
})

async function record(deps: OrchestratorDeps, intentId: string, deliveryId: string, change: (callback: IntentCallback) => IntentCallback | undefined): Promise<Intent | undefined> {
  return retryOnContention(deps.clock, async () => {
    const intent = await deps.intents.get(intentId)
    const callback = intent?.callbacks.find((c) => c.deliveryId === deliveryId)
    const changed = callback && change(callback)
    if (!intent || !changed) return undefined
    const updated = { ...intent, callbacks: intent.callbacks.map((c) => (c.deliveryId === deliveryId ? changed : c)), version: intent.version + 1 }
    await deps.intents.save(updated, intent.version)
    return updated
  })
}

/**
 * One try of one phase-change callback, signed with `webhook-id` = its delivery id (the same on
 * every retry). A failure is retried through a delayed queue message (never a sleep here), 5·2^n
 * seconds later, until {@link MAX_CALLBACK_ATTEMPTS} tries; then the delivery is dead-lettered in the
 * intent and logged `CALLBACK_DEAD_LETTERED`. A message for a try already made is a duplicate and does nothing.
 */
export async function deliverCallback(deps: OrchestratorDeps, message: Extract<IntentMessage, { kind: 'intent-callback' }>): Promise<void> {
  const intent = await deps.intents.get(message.intentId)
  const callback = intent?.callbacks.find((c) => c.deliveryId === message.deliveryId)
  if (!intent || !callback || !intent.callbackUrl || callback.status !== 'pending' || callback.attempts >= message.attempt) {
    return deps.logger.info('CALLBACK_STALE', { intentId: message.intentId, deliveryId: message.deliveryId, attempt: message.attempt })
  }
  const log = deps.logger.child({ intentId: intent.id, deliveryId: message.deliveryId, phase: message.phase })
  try {
    await deps.callbacks.send(intent.callbackUrl, callbackBody(intent, message.phase, deps.clock.now()), message.deliveryId)
  } catch (error) {
    const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 512)
    const final = message.attempt >= MAX_CALLBACK_ATTEMPTS || (isRearError(error) && error.kind === 'validation')
    const saved = await record(deps, intent.id, message.deliveryId, (c) =>
      c.status === 'pending' && c.attempts < message.attempt ? { ...c, attempts: message.attempt, lastError, ...(final ? { status: 'dead-lettered' as const } : {}) } : undefined,
    )
    if (!saved) return
    if (final) return log.error('CALLBACK_DEAD_LETTERED', { attempts: message.attempt, reason: lastError })
    log.warn('CALLBACK_RETRY', { attempt: message.attempt, reason: lastError, delaySeconds: callbackDelaySeconds(message.attempt) })
    await deps.queue.enqueue({ ...message, attempt: message.attempt + 1 }, callbackDelaySeconds(message.attempt))
    return
  }
  await record(deps, intent.id, message.deliveryId, (c) => (c.status === 'pending' ? { ...c, attempts: message.attempt, status: 'delivered' } : undefined))
  log.info('CALLBACK_DELIVERED', { attempts: message.attempt })
}
