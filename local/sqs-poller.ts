import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs'
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { SQSBatchResponse } from 'aws-lambda'

export type BatchHandler = (records: { messageId: string; body: string }[]) => Promise<SQSBatchResponse>

/**
 * Stands in for Lambda's SQS event source in local mode: long-polls a queue, hands batches to the
 * same handler the cloud runs, and deletes what it did not report as failed.
 */
export function startPoller(client: SQSClient, queueUrl: string, handler: BatchHandler, onError: (error: unknown) => void = () => {}) {
  let running = true
  const done = (async () => {
    while (running) {
      try {
        const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))
        if (!Messages.length) continue
        const records = Messages.map((m) => ({ messageId: m.MessageId!, body: m.Body ?? '', receiptHandle: m.ReceiptHandle! }))
        const { batchItemFailures } = await handler(records)
        const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier))
        const entries = records.filter((r) => !failed.has(r.messageId)).map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle }))
        if (entries.length) await client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))
      } catch (error) {
        if (running) onError(error)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  })()
  return {
    async stop() {
      running = false
      await done
    },
  }
}
