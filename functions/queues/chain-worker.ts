import { Resource } from 'sst'
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { chainQueues } from '../lambda/chain-queues.ts'
import { lambdaParticipant } from '../lambda/environment.ts'
import { withInvocationLogger } from '../lambda/invocation.ts'
import { processChainBatch } from './chain-batch.ts'

const { chain, intents } = lambdaParticipant({ ...chainQueues(), INTENT_WEBHOOK_SECRET: Resource.IntentWebhookSecret.value })

/** SQS subscriber of the chain queue: one chain step or intent step per message, partial batch failures reported. */
export const handler = withInvocationLogger(chain, (deps, event: SQSEvent): Promise<SQSBatchResponse> => processChainBatch(deps, event.Records, intents))
