import { describe, expect, it } from 'vitest'
import { DynamoIntentRepository } from '../../../adapters/dynamo/dynamo-intent-repository.ts'
import type { IntentRepository } from '../../../core/intents/ports.ts'
import { ContentionError } from '../../../core/shared/errors.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { InMemoryIntents, anIntentRecord } from '../../support/in-memory-intents.ts'

const implementations: { name: string; create: () => Promise<IntentRepository> }[] = [
  { name: 'the in-memory fake', create: async () => new InMemoryIntents() },
  { name: 'DynamoDB Local', create: async () => new DynamoIntentRepository(await createTestTable('intents')) },
]
const minute = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n))

describe.each(implementations)('intents on $name', ({ create }) => {
  it('creates an intent and reads it back exactly, quantities, dates and manifests included', async () => {
    const { intents, intent } = await setup()
    expect(await intents.create(intent)).toEqual({ intent, created: true })
    expect(await intents.get(intent.id)).toEqual(intent)
  })

  it('returns the existing intent for a second create with the same webhook id, and creates nothing', async () => {
    const { intents, intent } = await setup()
    await intents.create(intent)
    const replay = await intents.create(anIntentRecord({ id: 'intent-2', webhookId: intent.webhookId, action: 'find' }))
    expect(replay).toEqual({ intent, created: false })
    expect(await intents.get('intent-2')).toBeUndefined()
    expect((await intents.list(10)).intents).toHaveLength(1)
  })

  it('saves conditionally on the version read', async () => {
    const { intents, intent } = await setup()
    await intents.create(intent)
    const running = { ...intent, phase: 'Running' as const, step: 'rank' as const, version: 1 }
    await intents.save(running, 0)
    expect(await intents.get(intent.id)).toEqual(running)
    await expect(intents.save({ ...intent, phase: 'Failed', version: 1 }, 0)).rejects.toBeInstanceOf(ContentionError)
    expect((await intents.get(intent.id))?.phase).toBe('Running')
  })

  it('lists newest first, a page at a time, the cursor continuing where the page ended', async () => {
    const { intents } = await setup()
    for (let i = 1; i <= 5; i++) await intents.create(anIntentRecord({ id: `intent-${i}`, webhookId: `msg-${i}`, createdAt: minute(i) }))
    const first = await intents.list(2)
    expect(first.intents.map((i) => i.id)).toEqual(['intent-5', 'intent-4'])
    const second = await intents.list(2, first.next)
    expect(second.intents.map((i) => i.id)).toEqual(['intent-3', 'intent-2'])
    const last = await intents.list(2, second.next)
    expect(last.intents.map((i) => i.id)).toEqual(['intent-1'])
    expect(last.next).toBeUndefined()
  })

  it('answers an empty page with no cursor when there are no intents', async () => {
    const { intents } = await setup()
    expect(await intents.list(20)).toEqual({ intents: [] })
  })

  async function setup() {
    return { intents: await create(), intent: anIntentRecord() }
  }
})
