import type { IntentMessage } from '../../core/intents/model.ts'
import type { IntentQueue } from '../../core/intents/ports.ts'
import type { SqsSend } from './lazy-sqs-send.ts'

const MAX_DELAY_SECONDS = 900

/**
 * Intent work on the participant's chain queue: `{kind, …}` JSON bodies (the chain batch handler
 * tells them from chain messages by `kind`), delayed with SQS's own delay (at most 900 s).
 */
export class SqsIntentQueue implements IntentQueue {
  constructor(
    private readonly send: SqsSend,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: IntentMessage, delaySeconds = 0): Promise<void> {
    await this.send({
      QueueUrl: this.queueUrl,
      MessageBody: JSON.stringify(message),
      DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))),
      MessageAttributes: { intentId: { DataType: 'String', StringValue: message.intentId }, kind: { DataType: 'String', StringValue: message.kind } },
    })
  }
}
