import { describe, expect, it } from 'vitest'
import { resumeStalledIntents } from '../../../core/intents/resume-intents.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { InMemoryIntentQueue, InMemoryIntents, anIntentRecord } from '../../support/in-memory-intents.ts'

describe(resumeStalledIntents.name, () => {
  it('queues again the step of a live intent that has not moved for a minute, and leaves the rest alone', async () => {
    const { intents, queue, resume, clock } = await setup()
    const at = (minutesAgo: number) => new Date(clock.now().getTime() - minutesAgo * 60_000)
    await intents.create(anIntentRecord({ id: 'stalled', webhookId: 'w1', phase: 'Running', step: 'await-purchased', stepCount: 9, createdAt: at(5), updatedAt: at(2) }))
    await intents.create(anIntentRecord({ id: 'moving', webhookId: 'w2', phase: 'Running', createdAt: at(5), updatedAt: at(0.5) }))
    await intents.create(anIntentRecord({ id: 'over', webhookId: 'w3', phase: 'Solved', step: 'done', createdAt: at(5), updatedAt: at(4) }))
    await intents.create(anIntentRecord({ id: 'cleaning', webhookId: 'w4', phase: 'TimedOut', step: 'cleanup', stepCount: 4, createdAt: at(6), updatedAt: at(3) }))
    await intents.create(anIntentRecord({ id: 'ancient', webhookId: 'w5', phase: 'Running', createdAt: at(300), updatedAt: at(300) }))
    expect(await resume()).toBe(2)
    expect(queue.queued.map((q) => q.message)).toEqual([
      { kind: 'intent-step', intentId: 'stalled', attempt: 9 },
      { kind: 'intent-step', intentId: 'cleaning', attempt: 4 },
    ])
  })

  async function setup() {
    const clock = new FakeClock('2026-01-01T12:00:00Z')
    const intents = new InMemoryIntents()
    const queue = new InMemoryIntentQueue()
    return { clock, intents, queue, resume: () => resumeStalledIntents({ intents, queue, clock, logger: new RecordingLogger() }) }
  }
})
