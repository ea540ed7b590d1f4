import type { SendMessageCommandInput } from '@aws-sdk/client-sqs'
import type { SqsConfig } from './sqs-options.ts'
import { sqsClientOptions } from './sqs-options.ts'

/** Sends one message. */
export type SqsSend = (input: SendMessageCommandInput) => Promise<void>

/**
 * A sender whose SQS client is loaded on first use, so functions that rarely send (the participant
 * API) keep the SQS SDK off their cold start.
 */
export function lazySqsSend(config: SqsConfig): SqsSend {
  let ready: Promise<SqsSend> | undefined
  return async (input) => {
    ready ??= import('@aws-sdk/client-sqs').then(({ SQSClient, SendMessageCommand }) => {
      const client = new SQSClient(sqsClientOptions(config))
      return async (message: SendMessageCommandInput) => {
        await client.send(new SendMessageCommand(message))
      }
    })
    await (await ready)(input)
  }
}
