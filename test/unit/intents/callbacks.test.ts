import { describe, expect, it } from 'vitest'
import { MAX_CALLBACK_ATTEMPTS, callbackDelaySeconds, deliverCallback } from '../../../core/intents/callbacks.ts'
import { createIntentNetwork } from '../../support/in-memory-intents.ts'

const anIntent = { need: { type: 'k8slice', cpu: '2', memory: '4Gi' }, action: 'find', callbackUrl: 'https://platform.example/hooks' }

describe(deliverCallback.name, () => {
  it('retries a failed delivery through delayed messages, with the same webhook-id each time', async () => {
    const { submit, run, intent, callbacks, handled } = await setup()
    callbacks.failures = 2
    const { body } = await submit(anIntent)
    await run()
    const done = await intent(body.id)
    expect(done.callbacks.map((c) => [c.phase, c.status, c.attempts])).toEqual([
      ['Running', 'delivered', 2],
      ['Solved', 'delivered', 2],
    ])
    for (const callback of done.callbacks) {
      expect(callbacks.sent.filter((s) => s.deliveryId === callback.deliveryId)).toHaveLength(2)
      expect(handled.filter((m) => m.kind === 'intent-callback' && m.deliveryId === callback.deliveryId).map((m) => m.attempt)).toEqual([1, 2])
    }
  })

  it('backs off 5·2^n seconds between tries, at most 900', () => {
    expect([1, 2, 3, 7, 8].map(callbackDelaySeconds)).toEqual([10, 20, 40, 640, 900])
  })

  it('dead-letters a delivery after its last try and records it in the intent', async () => {
    const { submit, run, intent, callbacks, logger } = await setup()
    callbacks.failures = Number.POSITIVE_INFINITY
    const { body } = await submit(anIntent)
    await run()
    const done = await intent(body.id)
    expect(done.phase).toBe('Solved')
    expect(done.callbacks.map((c) => [c.phase, c.status, c.attempts])).toEqual([
      ['Running', 'dead-lettered', MAX_CALLBACK_ATTEMPTS],
      ['Solved', 'dead-lettered', MAX_CALLBACK_ATTEMPTS],
    ])
    expect(callbacks.sent).toHaveLength(2 * MAX_CALLBACK_ATTEMPTS)
    expect(logger.events.filter((e) => e.event === 'CALLBACK_DEAD_LETTERED')).toHaveLength(2)
  })

  it('gives each phase change its own webhook-id and signs nothing twice for a duplicate message', async () => {
    const { submit, run, intent, callbacks } = await setup()
    const { body } = await submit(anIntent)
    await run({ twice: true })
    const done = await intent(body.id)
    expect(new Set(done.callbacks.map((c) => c.deliveryId)).size).toBe(2)
    expect(callbacks.sent.map((s) => s.deliveryId)).toEqual(done.callbacks.map((c) => c.deliveryId))
  })

  async function setup() {
    return createIntentNetwork()
  }
})
