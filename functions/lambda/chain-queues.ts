import { Resource } from 'sst'

/** Linked chain and agent queue URLs, for the functions that send or process chain messages. */
export const chainQueues = (): Record<string, string> => ({
  CHAIN_QUEUE_URL: Resource.ChainQueue.url,
  AGENT_QUEUE_URL: Resource.AgentQueue.url,
})
