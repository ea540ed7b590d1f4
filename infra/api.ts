import { lambdaDefaults } from './lambda-defaults'
import { agentQueue, chainQueue } from './queue-resources'
import { agentToken, intentWebhookSecret } from './secrets'

/** The participant's HTTP API: every REAR and admin route is one Hono function behind API Gateway v2. */
export const api = new sst.aws.ApiGatewayV2('ParticipantApi')

/** The API's URL: its host is the participant's endpoint (the Go node's `IP`), the URL its chain reply address. */
export const apiUrl = api.url

const apiDefaults = lambdaDefaults(apiUrl, [chainQueue, agentQueue, agentToken, intentWebhookSecret])

/** The in-cluster agent's public JWK set, from the deploying shell's AGENT_PUBLIC_KEYS (public: not a secret); without it /agent keeps the token alone. */
const agentPublicKeys: Record<string, string> = process.env.AGENT_PUBLIC_KEYS ? { AGENT_PUBLIC_KEYS: process.env.AGENT_PUBLIC_KEYS } : {}

export const apiFunction = new sst.aws.Function('ParticipantApiFunction', {
  handler: 'functions/lambda/participant-api.handler',
  ...apiDefaults,
  environment: { ...apiDefaults.environment, ...agentPublicKeys },
  memory: '512 MB',
  timeout: '29 seconds',
})

api.route('$default', apiFunction.arn)
