import { functionEnvironment } from './function-environment'
import { api } from './api'
import { adminToken, peeringKubeconfig } from './secrets'
import { bundling, runtime } from './settings'
import { participantTable } from './tables'
import { agentQueue, chainDeadLetters, chainQueue } from './queue-resources'

/** Chain messages land here after their 202; a message failing 5 times goes to the DLQ for operators. */
chainQueue.subscribe(
  {
    handler: 'functions/queues/chain-worker.handler',
    runtime,
    nodejs: bundling,
    timeout: '60 seconds',
    link: [participantTable, adminToken, peeringKubeconfig, chainQueue, agentQueue],
    environment: functionEnvironment(api.url.apply((url) => new URL(url).host)),
  },
  { batch: { size: 10, partialResponses: true } },
)

export { agentQueue, chainDeadLetters, chainQueue }
