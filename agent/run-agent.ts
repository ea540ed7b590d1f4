import type { KubeConfig } from '@kubernetes/client-node'
import type { Logger } from '../core/shared/ports.ts'
import type { AgentConfig } from './config.ts'
import type { ParticipantClient } from './participant-client.ts'
import { ResourceScanner } from './scan/resource-scanner.ts'

export interface AgentDeps {
  kubeConfig: KubeConfig
  config: AgentConfig
  participant: ParticipantClient
  logger: Logger
  now?: () => Date
  debounceMs?: number
}

export interface RunningAgent {
  stop(): Promise<void>
}

/**
 * One agent per member cluster: follows its Nodes and Pods and keeps the participant's flavours equal
 * to what the cluster can sell, refreshing each node's flavour in place and withdrawing gone ones.
 */
export async function runAgent(deps: AgentDeps): Promise<RunningAgent> {
  const { participant, logger } = deps
  const scanner = new ResourceScanner({
    kubeConfig: deps.kubeConfig,
    config: deps.config,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.debounceMs === undefined ? {} : { debounceMs: deps.debounceMs }),
    publish: async (flavours, withdrawn) => {
      for (const flavour of flavours) await participant.putFlavour(flavour)
      for (const id of withdrawn) await participant.withdrawFlavour(id)
      logger.info('FLAVOURS_PUBLISHED', { offered: flavours.map((f) => f.id), withdrawn: [...withdrawn] })
    },
    onError: (error) => logger.warn('SCAN_FAILED', { error: error instanceof Error ? error.message : String(error) }),
  })
  await scanner.start()
  logger.info('AGENT_STARTED', { clusterId: deps.config.clusterId })
  return { stop: () => scanner.stop() }
}
