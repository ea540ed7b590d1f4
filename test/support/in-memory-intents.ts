import { ContentionError } from '../../core/shared/errors.ts'
import type { Intent, IntentMessage } from '../../core/intents/model.ts'
import type { IntentQueue, IntentRepository } from '../../core/intents/ports.ts'
import { intentFromStored, intentToStored } from '../../core/wire/intent-codec.ts'

const listKey = (intent: Pick<Intent, 'createdAt' | 'id'>) => `${intent.createdAt.toISOString()}#${intent.id}`
const stored = (intent: Intent) => intentFromStored(intentToStored(intent))

/** In-memory fake of the intent repository with DynamoDB's guards: idempotent on webhook id, conditional saves; kept in stored form. */
export class InMemoryIntents implements IntentRepository {
  readonly intents = new Map<string, Intent>()
  readonly webhooks = new Map<string, string>()
  private contention = 0

  failNextSave(times = 1): void {
    this.contention += times
  }

  async create(intent: Intent) {
    const existing = this.webhooks.get(intent.webhookId)
    if (existing) return { intent: stored(this.intents.get(existing)!), created: false }
    if (this.intents.has(intent.id)) throw new ContentionError(`intent ${intent.id} exists`)
    this.webhooks.set(intent.webhookId, intent.id)
    this.intents.set(intent.id, stored({ ...intent, version: 0 }))
    return { intent: stored({ ...intent, version: 0 }), created: true }
  }

  async get(id: string) {
    const intent = this.intents.get(id)
    return intent ? stored(intent) : undefined
  }

  async list(limit: number, cursor?: string) {
    const after = cursor ? Buffer.from(cursor, 'base64url').toString() : undefined
    const newest = [...this.intents.values()].sort((a, b) => (listKey(a) < listKey(b) ? 1 : -1)).filter((i) => after === undefined || listKey(i) < after)
    const page = newest.slice(0, limit)
    const last = page.at(-1)
    return { intents: page.map(stored), ...(newest.length > limit && last ? { next: Buffer.from(listKey(last)).toString('base64url') } : {}) }
  }

  async save(intent: Intent, expectedVersion: number) {
    if (this.contention > 0) {
      this.contention--
      throw new ContentionError()
    }
    if (this.intents.get(intent.id)?.version !== expectedVersion) throw new ContentionError(`intent ${intent.id} changed concurrently`)
    this.intents.set(intent.id, stored(intent))
  }
}

/** Records what is queued, with its delay, for the test to deliver. */
export class InMemoryIntentQueue implements IntentQueue {
  readonly queued: { message: IntentMessage; delaySeconds: number }[] = []

  async enqueue(message: IntentMessage, delaySeconds = 0) {
    this.queued.push({ message, delaySeconds })
  }

  take(): { message: IntentMessage; delaySeconds: number }[] {
    return this.queued.splice(0)
  }
}
