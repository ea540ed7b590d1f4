import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { createTableContext } from '../../adapters/dynamo/document-client.ts'
import { composeParticipant } from '../composition.ts'
import { chainQueues } from '../lambda/chain-queues.ts'
import { lambdaConfig } from '../lambda/environment.ts'
import { processChainBatch } from './chain-batch.ts'

const config = lambdaConfig(chainQueues())
const { chain } = composeParticipant(config, { table: createTableContext({ tableName: config.tableName }) })

/** SQS subscriber of the chain queue: one chain step per message, partial batch failures reported. */
export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => processChainBatch(chain, event.Records)
