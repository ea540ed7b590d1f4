import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs'
import type { SQSClient } from '@aws-sdk/client-sqs'

export interface ParticipantQueues {
  chain: string
  /** The chain queue's dead letters. */
  dlq: string
  agent: string
  agentDlq: string
}

/** How often a message is retried before it lands in its queue's DLQ (the cloud uses the same). */
export const MAX_RECEIVE_COUNT = 5

async function create(client: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))
  return QueueUrl!
}

/** A queue whose messages move to `<name>-dlq` after MAX_RECEIVE_COUNT receives. */
async function workQueue(client: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<{ queue: string; dlq: string }> {
  const dlq = await create(client, `${name}-dlq`)
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))
  const queue = await create(client, name, {
    ...attributes,
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
  })
  return { queue, dlq }
}

/** A participant's chain queue and agent command queue, each with its DLQ, on the SQS emulator. */
export async function ensureParticipantQueues(client: SQSClient, prefix: string): Promise<ParticipantQueues> {
  const chain = await workQueue(client, `${prefix}-chain`, { VisibilityTimeout: '5' })
  const agent = await workQueue(client, `${prefix}-agent`)
  return { chain: chain.queue, dlq: chain.dlq, agent: agent.queue, agentDlq: agent.dlq }
}
