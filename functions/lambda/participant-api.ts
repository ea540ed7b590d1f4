import { handle } from 'hono/aws-lambda'
import { Resource } from 'sst'
import { createApp } from '../http/create-app.ts'
import { chainQueues } from './chain-queues.ts'
import { lambdaParticipant } from './environment.ts'
import { lambdaRequestFields } from './invocation.ts'

const participant = lambdaParticipant({ ...chainQueues(), AGENT_TOKEN: Resource.AgentToken.value, INTENT_WEBHOOK_SECRET: Resource.IntentWebhookSecret.value })

/** HTTP API of one participant (node, supernode or catalog, by REAR_ROLE) behind API Gateway v2; logs carry the Lambda request id. */
export const handler = handle(createApp({ ...participant.app, requestLogFields: lambdaRequestFields() }))
