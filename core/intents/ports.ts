import type { Intent, IntentMessage } from './model.ts'

/** Intents received at this node; every save is conditional on the version read. */
export interface IntentRepository {
  /**
   * Stores a new intent (version 0) unless one arrived with the same `webhookId`: then nothing is
   * written and the existing intent is returned. `created` says which happened.
   */
  create(intent: Intent): Promise<{ intent: Intent; created: boolean }>
  get(id: string): Promise<Intent | undefined>
  /** Newest first (by `createdAt`, then id), at most `limit`; `next` continues after the last one. */
  list(limit: number, cursor?: string): Promise<{ intents: Intent[]; next?: string }>
  /** Replaces the intent read at `expectedVersion`; throws ContentionError when it changed meanwhile. */
  save(intent: Intent, expectedVersion: number): Promise<void>
}

/** The participant's chain queue, carrying intent work; `delaySeconds` is capped at 900 (SQS's most). */
export interface IntentQueue {
  enqueue(message: IntentMessage, delaySeconds?: number): Promise<void>
}
