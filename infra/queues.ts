import { apiUrl } from './api'
import { lambdaDefaults } from './lambda-defaults'
import { agentQueue, chainDeadLetters, chainQueue } from './queue-resources'
import { intentWebhookSecret } from './secrets'

/** Chain messages land here after their 202; a message failing 5 times goes to the DLQ for operators. */
chainQueue.subscribe(
  { handler: 'functions/queues/chain-worker.handler', ...lambdaDefaults(apiUrl, [chainQueue, agentQueue, intentWebhookSecret]), timeout: '60 seconds' },
  { batch: { size: 10, partialResponses: true } },
)

export { agentQueue, chainDeadLetters, chainQueue }
