import type * as SqsModule from '@aws-sdk/client-sqs'
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { AgentCommand, AgentInbox } from '../../core/agent/ports.ts'
import { ConflictError } from '../../core/shared/errors.ts'
import type { SqsConfig } from './sqs-options.ts'
import { sqsClientOptions } from './sqs-options.ts'

type Sqs = typeof SqsModule

/** SQS errors that mean the receipt no longer names a delivery in flight (already deleted, or redelivered since). */
const STALE_RECEIPT = new Set(['ReceiptHandleIsInvalid', 'MessageNotInflight', 'InvalidParameterValue', 'AWS.SimpleQueueService.MessageNotInflight'])

const staleReceipt = (error: unknown): boolean => error instanceof Error && STALE_RECEIPT.has(error.name)

/** Splits a queued body (`{"command": "DEPLOY_VIRTUAL_ROUTER", ...}`) into its type and payload; anything else is `UNKNOWN`. */
function parseBody(body: string | undefined): { type: string; payload: Record<string, unknown> } {
  try {
    const parsed: unknown = JSON.parse(body ?? '')
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const { command, ...payload } = parsed as Record<string, unknown>
      return { type: typeof command === 'string' ? command : 'UNKNOWN', payload }
    }
  } catch {
    // fall through: an unreadable body is still handed out, so the agent can fail it and operators see it
  }
  return { type: 'UNKNOWN', payload: { body: body ?? '' } }
}

/**
 * The participant's agent queue read on the agent's behalf. The SQS SDK is loaded on first use so the
 * API's cold start does not pay for it; the visibility timeout is the queue's own.
 */
export class SqsAgentInbox implements AgentInbox {
  private ready: Promise<{ client: SQSClient; sqs: Sqs }> | undefined

  constructor(
    private readonly config: SqsConfig,
    private readonly queueUrl: string,
  ) {}

  private sqs() {
    this.ready ??= import('@aws-sdk/client-sqs').then((sqs) => ({ sqs, client: new sqs.SQSClient(sqsClientOptions(this.config)) }))
    return this.ready
  }

  async receive(waitSeconds: number, max: number): Promise<AgentCommand[]> {
    const { client, sqs } = await this.sqs()
    const { Messages = [] } = await client.send(
      new sqs.ReceiveMessageCommand({ QueueUrl: this.queueUrl, WaitTimeSeconds: waitSeconds, MaxNumberOfMessages: max, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    )
    return Messages.filter((m) => m.MessageId && m.ReceiptHandle).map((m) => ({
      id: m.MessageId!,
      receipt: m.ReceiptHandle!,
      ...parseBody(m.Body),
      receivedCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
    }))
  }

  async acknowledge(receipt: string): Promise<void> {
    const { client, sqs } = await this.sqs()
    try {
      await client.send(new sqs.DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receipt }))
    } catch (error) {
      if (!staleReceipt(error)) throw error
      throw new ConflictError('The receipt no longer names a delivery of this command', { code: 'AGENT_RECEIPT_INVALID', cause: error })
    }
  }

  async extend(receipt: string, seconds: number): Promise<void> {
    const { client, sqs } = await this.sqs()
    try {
      await client.send(new sqs.ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receipt, VisibilityTimeout: seconds }))
    } catch (error) {
      if (!staleReceipt(error)) throw error
      throw new ConflictError('The receipt no longer names a delivery in flight', { code: 'AGENT_RECEIPT_INVALID', cause: error })
    }
  }
}
