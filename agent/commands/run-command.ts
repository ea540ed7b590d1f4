import * as z from 'zod'
import { PEERING_STEPS } from '../../core/cluster/cluster-commands.ts'
import type { ParticipantCallError } from '../participant-client.ts'
import { DeadlineError } from '../kube/cluster-objects.ts'
import type { LiqoPeering } from './liqo-peering.ts'
import { PeeringRefused } from './liqo-peering.ts'
import type { WorkloadReport, Workloads } from './workloads.ts'
import { WorkloadRefused } from './workloads.ts'

const id = z.string().min(1).max(256)
const role = z.enum(['consumer', 'provider'])
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)

/** Each command's payload as the participant queues it (`core/cluster/cluster-commands.ts`), checked before anything runs. */
const PAYLOADS = {
  DEPLOY_VIRTUAL_ROUTER: z.object({
    chainId: id,
    role,
    remoteClusterId: z.string().max(256),
    declarative: z.boolean(),
    resources: z.record(z.string(), z.string()).optional(),
  }),
  PEER: z.object({ chainId: id, role, remoteClusterId: id, step: z.enum(PEERING_STEPS), data: z.record(z.string(), z.unknown()) }),
  DEPLOY_WORKLOAD: z.object({ chainId: id, workloadId: dnsLabel, namespace: dnsLabel, remoteClusterId: id, manifests: z.array(z.record(z.string(), z.unknown())).min(1).max(50) }),
  REMOVE_WORKLOAD: z.object({ chainId: id, workloadId: dnsLabel, namespace: dnsLabel }),
  TEAR_DOWN: z.object({ chainId: id, role, remoteClusterId: id, reason: z.string().max(4096) }),
} as const

/** What the agent tells its participant besides command results. */
export interface CommandReporter {
  reportPeering(chainId: string, status: 'active' | 'error', detail?: string): Promise<void>
  reportWorkload(chainId: string, name: string, status: WorkloadReport): Promise<void>
}

export interface CommandDeps {
  peering: LiqoPeering
  workloads: Workloads
  participant: CommandReporter
}

/** How a command ended: `done` and `failed` are final; `retry` leaves it to come back after its visibility timeout. */
export type CommandOutcome = { outcome: 'done' | 'failed'; detail: string } | { outcome: 'retry'; detail: string }

/** The contract ended at the participant (409 CONTRACT_NOT_ACTIVE): nothing more to do for it. */
const contractEnded = (error: unknown) => (error as Partial<ParticipantCallError>)?.status === 409 && String((error as ParticipantCallError).answer).includes('CONTRACT_NOT_ACTIVE')

/** Errors no redelivery can fix; a readiness deadline counts, so the participant learns of it (a later success sets it right). */
const permanent = (error: unknown) => error instanceof PeeringRefused || error instanceof WorkloadRefused || error instanceof DeadlineError || error instanceof z.ZodError

const message = (error: unknown) => (error instanceof z.ZodError ? `malformed: ${error.issues[0]?.path.join('.')} ${error.issues[0]?.message}` : error instanceof Error ? error.message : String(error))

/**
 * Runs one command from the participant. Every handler is idempotent (objects are created or merged,
 * steps already sent are not sent again), so a redelivered command acts once. A command for a
 * contract that already ended is a no-op that says so. Errors that can never pass fail the command
 * (and the peering, which the participant marks `error`); others leave it for redelivery.
 */
export async function runCommand(deps: CommandDeps, type: string, payload: Record<string, unknown>): Promise<CommandOutcome> {
  const chainId = typeof payload.chainId === 'string' ? payload.chainId : undefined
  try {
    switch (type) {
      case 'DEPLOY_VIRTUAL_ROUTER': {
        const command = PAYLOADS.DEPLOY_VIRTUAL_ROUTER.parse(payload)
        if (!command.declarative || !command.remoteClusterId) {
          const detail = 'the provider cannot peer declaratively (a FLUIDOS Go node ships a kubeconfig instead, which rear-cloud does not use)'
          await deps.participant.reportPeering(command.chainId, 'error', detail)
          return { outcome: 'failed', detail }
        }
        const step =
          command.role === 'provider'
            ? await deps.peering.providerRouter(command.chainId, command.remoteClusterId)
            : await deps.peering.consumerRouter(command.chainId, command.remoteClusterId, command.resources)
        return { outcome: 'done', detail: step.detail }
      }
      case 'PEER': {
        const command = PAYLOADS.PEER.parse(payload)
        const step = await deps.peering.receive(command.chainId, command.role, command.remoteClusterId, command.step, command.data)
        if (step.ready) await deps.participant.reportPeering(command.chainId, 'active', step.detail)
        return { outcome: 'done', detail: step.detail }
      }
      case 'DEPLOY_WORKLOAD': {
        const command = PAYLOADS.DEPLOY_WORKLOAD.parse(payload)
        const report = await deps.workloads.deploy(
          { chainId: command.chainId, workload: command.workloadId, namespace: command.namespace, remoteClusterId: command.remoteClusterId, manifests: command.manifests },
          (progress) => deps.participant.reportWorkload(command.chainId, command.workloadId, progress),
        )
        await deps.participant.reportWorkload(command.chainId, command.workloadId, report)
        return { outcome: report.phase === 'failed' ? 'failed' : 'done', detail: report.detail ?? report.phase }
      }
      case 'REMOVE_WORKLOAD': {
        const command = PAYLOADS.REMOVE_WORKLOAD.parse(payload)
        const report = await deps.workloads.remove({ workload: command.workloadId, namespace: command.namespace })
        await deps.participant.reportWorkload(command.chainId, command.workloadId, report)
        return { outcome: 'done', detail: report.detail ?? 'removed' }
      }
      case 'TEAR_DOWN': {
        const command = PAYLOADS.TEAR_DOWN.parse(payload)
        const removed = command.role === 'consumer' ? await deps.workloads.ofChain(command.chainId) : []
        for (const workload of removed) await deps.workloads.remove(workload)
        const step = await deps.peering.tearDown(command.chainId, command.role, command.remoteClusterId)
        const workloads = removed.length ? `${removed.length} workload(s) removed; ` : ''
        return { outcome: 'done', detail: `${workloads}${step.detail}` }
      }
      default:
        return { outcome: 'failed', detail: `unknown command ${type}` }
    }
  } catch (error) {
    if (contractEnded(error)) return { outcome: 'done', detail: `no-op: the contract of ${chainId} is no longer active` }
    if (permanent(error)) {
      if (chainId && (type === 'PEER' || type === 'DEPLOY_VIRTUAL_ROUTER')) await deps.participant.reportPeering(chainId, 'error', message(error)).catch(() => {})
      return { outcome: 'failed', detail: message(error) }
    }
    return { outcome: 'retry', detail: message(error) }
  }
}
