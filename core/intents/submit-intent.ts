import type { Clock, IdGenerator, Logger } from '../shared/ports.ts'
import { intentRequestFromWire } from '../wire/intent-codec.ts'
import { ValidationError } from '../shared/errors.ts'
import type { Intent } from './model.ts'
import type { IntentQueue, IntentRepository } from './ports.ts'
import type { WebhookHeaders, WebhookVerifier } from './webhook.ts'
import { noted } from './timeline.ts'

/** Longest `webhook-id` kept (it keys the replay record). */
export const MAX_WEBHOOK_ID = 256

export interface SubmitDeps {
  self: { id: string }
  intents: IntentRepository
  queue: IntentQueue
  verifier: WebhookVerifier
  clock: Clock
  ids: IdGenerator
  logger: Logger
}

/**
 * The Service Handler (seed step 1): authenticates a platform's webhook (Standard Webhooks, over the
 * raw body), decodes the intent, stores it Pending and queues the orchestrator's first step. A
 * delivery whose `webhook-id` was seen before returns that intent and creates nothing. A bad
 * signature, stale timestamp or missing header (401) and a malformed intent (400) store nothing.
 */
export async function submitIntent(deps: SubmitDeps, rawBody: string, headers: WebhookHeaders): Promise<{ intent: Intent; created: boolean }> {
  const { webhookId } = deps.verifier.verify(rawBody, headers)
  if (webhookId.length > MAX_WEBHOOK_ID) throw new ValidationError(`webhook-id must be at most ${MAX_WEBHOOK_ID} characters`, { code: 'WEBHOOK_ID_TOO_LONG' })
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch (cause) {
    throw new ValidationError(`Request body is not JSON: ${(cause as Error).message}`, { code: 'MALFORMED_JSON' })
  }
  const request = intentRequestFromWire(body)
  const now = deps.clock.now()
  const { deadlineSeconds, ...asked } = request
  const fresh: Intent = {
    id: deps.ids.next('intent-'),
    webhookId,
    phase: 'Pending',
    ...asked,
    createdAt: now,
    updatedAt: now,
    deadline: new Date(now.getTime() + deadlineSeconds * 1000),
    step: 'decompose',
    stepCount: 1,
    waits: 0,
    candidates: [],
    attempts: [],
    timeline: [],
    callbacks: [],
    version: 0,
  }
  const intent = noted(fresh, now, 1, deps.self.id, `intent received from the platform (webhook ${webhookId}): ${request.action} ${request.need.type}`)
  const stored = await deps.intents.create(intent)
  if (!stored.created) {
    deps.logger.info('INTENT_REPLAYED', { intentId: stored.intent.id, webhookId })
    if (stored.intent.phase === 'Pending') await deps.queue.enqueue({ kind: 'intent-step', intentId: stored.intent.id, attempt: stored.intent.stepCount })
    return stored
  }
  await deps.queue.enqueue({ kind: 'intent-step', intentId: intent.id, attempt: intent.stepCount })
  deps.logger.info('INTENT_RECEIVED', { intentId: intent.id, webhookId, action: intent.action })
  return stored
}
