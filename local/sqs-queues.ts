import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs'
import type { SQSClient } from '@aws-sdk/client-sqs'

export interface ParticipantQueues {
  chain: string
  dlq: string
  agent: string
}

/** How often a chain message is retried before it lands in the DLQ (the cloud uses the same). */
export const MAX_RECEIVE_COUNT = 5

async function create(client: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))
  return QueueUrl!
}

/** A participant's chain queue with its DLQ, and its agent command queue, on the SQS emulator. */
export async function ensureParticipantQueues(client: SQSClient, prefix: string): Promise<ParticipantQueues> {
  const dlq = await create(client, `${prefix}-chain-dlq`)
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))
  const chain = await create(client, `${prefix}-chain`, {
    VisibilityTimeout: '5',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
  })
  const agent = await create(client, `${prefix}-agent`)
  return { chain, dlq, agent }
}
