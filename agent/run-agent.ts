import type { KubeConfig } from '@kubernetes/client-node'
import type { Logger } from '../core/shared/ports.ts'
import type { AgentConfig } from './config.ts'
import type { ParticipantClient } from './participant-client.ts'
import { ResourceScanner } from './scan/resource-scanner.ts'
import { ClusterObjects, DEFAULT_WAIT } from './kube/cluster-objects.ts'
import { startCommandLoop } from './commands/command-loop.ts'
import type { CommandLoopOptions } from './commands/command-loop.ts'
import { LiqoPeering } from './commands/liqo-peering.ts'
import { Workloads } from './commands/workloads.ts'
import { startClusterReports } from './cluster-reports.ts'

export interface AgentDeps {
  kubeConfig: KubeConfig
  config: AgentConfig
  participant: ParticipantClient
  logger: Logger
  now?: () => Date
  debounceMs?: number
  /** The command loop's options; `false` runs the scan only. */
  commands?: CommandLoopOptions | false
  /** How long each Liqo readiness wait may take, in ms (default 120 000). */
  readinessTimeoutMs?: number
  /** How long a workload's pods may take to be Ready, in ms (default 300 000). */
  podsTimeoutMs?: number
  /** How often Liqo's readiness is reported, in ms (default 30 000). */
  clusterReportEveryMs?: number
}

export interface RunningAgent {
  stop(): Promise<void>
}

/**
 * One agent per member cluster: follows its Nodes and Pods and keeps the participant's flavours equal
 * to what the cluster can sell, refreshing each node's flavour in place and withdrawing gone ones; and
 * runs the participant's commands: virtual router and declarative Liqo peering, workloads, tear-down.
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
  const kube = new ClusterObjects(deps.kubeConfig, { ...DEFAULT_WAIT, ...(deps.readinessTimeoutMs ? { timeoutMs: deps.readinessTimeoutMs } : {}) })
  const loop =
    deps.commands === false
      ? undefined
      : startCommandLoop(
          participant,
          { peering: new LiqoPeering(kube, participant), workloads: new Workloads(kube, { podsTimeoutMs: deps.podsTimeoutMs ?? 300_000 }), participant },
          logger,
          deps.commands ?? {},
        )
  const reports = startClusterReports(kube, participant, logger, deps.clusterReportEveryMs)
  await reports.reportNow()
  logger.info('AGENT_STARTED', { clusterId: deps.config.clusterId, commands: Boolean(loop) })
  return {
    stop: async () => {
      reports.stop()
      await loop?.stop()
      await scanner.stop()
    },
  }
}
