import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { chainQueues } from '../lambda/chain-queues.ts'
import { lambdaParticipant } from '../lambda/environment.ts'
import { processChainBatch } from './chain-batch.ts'

const { chain } = lambdaParticipant(chainQueues())

/** SQS subscriber of the chain queue: one chain step per message, partial batch failures reported. */
export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => processChainBatch(chain, event.Records)
