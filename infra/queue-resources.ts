/** Chain messages that failed `retry` times, kept 14 days for `npm run redrive`. */
export const chainDeadLetters = new sst.aws.Queue('ChainDeadLetters', {
  transform: { queue: { messageRetentionSeconds: 1_209_600 } },
})

/** The participant's chain work queue (hop messages and delayed timeout checks). */
export const chainQueue = new sst.aws.Queue('ChainQueue', {
  visibilityTimeout: '90 seconds',
  dlq: { queue: chainDeadLetters.arn, retry: 5 },
})

/** Agent commands that failed 5 times, kept 14 days for `npm run redrive`. */
export const agentDeadLetters = new sst.aws.Queue('AgentDeadLetters', {
  transform: { queue: { messageRetentionSeconds: 1_209_600 } },
})

/** Commands for the in-cluster agent (deploy a virtual router, peer, ...); the agent long-polls it. */
export const agentQueue = new sst.aws.Queue('AgentQueue', {
  dlq: { queue: agentDeadLetters.arn, retry: 5 },
})
