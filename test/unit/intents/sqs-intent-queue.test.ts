import { describe, expect, it } from 'vitest'
import type { SendMessageCommandInput } from '@aws-sdk/client-sqs'
import { SqsIntentQueue } from '../../../adapters/sqs/sqs-intent-queue.ts'
import { intentMessageFromWire } from '../../../core/wire/intent-codec.ts'

describe(SqsIntentQueue.name, () => {
  it('sends {kind, …} JSON on the chain queue that the batch handler decodes back', async () => {
    const { queue, sent } = setup()
    await queue.enqueue({ kind: 'intent-step', intentId: 'intent-1', attempt: 3 }, 2)
    expect(sent).toEqual([expect.objectContaining({ QueueUrl: 'https://sqs.test/chain', DelaySeconds: 2, MessageAttributes: expect.objectContaining({ kind: { DataType: 'String', StringValue: 'intent-step' } }) })])
    expect(intentMessageFromWire(JSON.parse(sent[0]!.MessageBody!))).toEqual({ kind: 'intent-step', intentId: 'intent-1', attempt: 3 })
  })

  it('caps the delay at SQS’s 900 seconds and never sends a negative one', async () => {
    const { queue, sent } = setup()
    await queue.enqueue({ kind: 'intent-callback', intentId: 'intent-1', phase: 'Solved', deliveryId: 'delivery-1', attempt: 8 }, 1280)
    await queue.enqueue({ kind: 'intent-step', intentId: 'intent-1', attempt: 1 }, -1)
    expect(sent.map((s) => s.DelaySeconds)).toEqual([900, 0])
  })

  it('refuses a queued body that is not an intent message', () => {
    expect(() => intentMessageFromWire({ kind: 'intent-step', intentId: 'intent/1', attempt: 1 })).toThrow(/intentId/)
    expect(() => intentMessageFromWire({ kind: 'RESERVE' })).toThrow()
  })

  function setup() {
    const sent: SendMessageCommandInput[] = []
    return { sent, queue: new SqsIntentQueue(async (input) => void sent.push(input), 'https://sqs.test/chain') }
  }
})
