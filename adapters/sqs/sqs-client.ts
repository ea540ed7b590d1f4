import { SQSClient } from '@aws-sdk/client-sqs'
import type { SqsConfig } from './sqs-options.ts'
import { sqsClientOptions } from './sqs-options.ts'

export type { SqsConfig } from './sqs-options.ts'

/** A ready SQS client, for local mode, tests and operator scripts. */
export const createSqsClient = (config: SqsConfig = {}) => new SQSClient(sqsClientOptions(config))
