import { handle } from 'hono/aws-lambda'
import { createTableContext } from '../../adapters/dynamo/document-client.ts'
import { composeParticipant } from '../composition.ts'
import { createApp } from '../http/create-app.ts'
import { chainQueues } from './chain-queues.ts'
import { lambdaConfig } from './environment.ts'

const config = lambdaConfig(chainQueues())
const participant = composeParticipant(config, { table: createTableContext({ tableName: config.tableName }) })

/** HTTP API of one participant (node, supernode or catalog, by REAR_ROLE) behind API Gateway v2. */
export const handler = handle(createApp(participant.app))
