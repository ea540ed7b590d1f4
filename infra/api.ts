import { functionEnvironment } from './function-environment'
import { adminToken, peeringKubeconfig } from './secrets'
import { bundling, runtime } from './settings'
import { participantTable } from './tables'
import { agentQueue, chainQueue } from './queue-resources'

/** The participant's HTTP API: every REAR and admin route is one Hono function behind API Gateway v2. */
export const api = new sst.aws.ApiGatewayV2('ParticipantApi')

export const apiFunction = new sst.aws.Function('ParticipantApiFunction', {
  handler: 'functions/lambda/participant-api.handler',
  runtime,
  nodejs: bundling,
  memory: '512 MB',
  timeout: '29 seconds',
  link: [participantTable, adminToken, peeringKubeconfig, chainQueue, agentQueue],
  environment: functionEnvironment(api.url.apply((url) => new URL(url).host)),
})

api.route('$default', apiFunction.arn)
