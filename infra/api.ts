import { lambdaDefaults } from './lambda-defaults'
import { agentQueue, chainQueue } from './queue-resources'

/** The participant's HTTP API: every REAR and admin route is one Hono function behind API Gateway v2. */
export const api = new sst.aws.ApiGatewayV2('ParticipantApi')

/** `host` of the API, the participant's endpoint (the Go node's `IP`) in every function's environment. */
export const apiHost = api.url.apply((url) => new URL(url).host)

export const apiFunction = new sst.aws.Function('ParticipantApiFunction', {
  handler: 'functions/lambda/participant-api.handler',
  ...lambdaDefaults(apiHost, [chainQueue, agentQueue]),
  memory: '512 MB',
  timeout: '29 seconds',
})

api.route('$default', apiFunction.arn)
