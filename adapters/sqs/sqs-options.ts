import type { SQSClientConfig } from '@aws-sdk/client-sqs'

export interface SqsConfig {
  /** An emulator endpoint (fauxqs) in local mode and tests; the default AWS endpoint otherwise. */
  endpoint?: string
  region?: string
  credentials?: SQSClientConfig['credentials']
}

/** fauxqs answers with queue URLs on an unresolvable host, so an explicit endpoint always wins over the URL. */
export const sqsClientOptions = (config: SqsConfig): SQSClientConfig => ({
  ...(config.endpoint ? { endpoint: config.endpoint, useQueueUrlAsEndpoint: false } : {}),
  ...(config.region ? { region: config.region } : {}),
  ...(config.credentials ? { credentials: config.credentials } : {}),
})
