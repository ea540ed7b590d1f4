import { ConflictError } from '../shared/errors.ts'
import type { Clock } from '../shared/ports.ts'
import type { AgentCommand, AgentCommandRecord, AgentCommandRepository, AgentInbox } from './ports.ts'

export interface AgentCommandDeps {
  inbox: AgentInbox
  records: AgentCommandRepository
  clock: Clock
  /** How long a `progress` report hides the command again (the agent reports again before it ends). */
  progressExtensionSeconds: number
}

/** Longest long poll SQS allows, and the most messages one receive returns. */
export const MAX_WAIT_SECONDS = 20
export const MAX_COMMANDS = 10
/** A `progress` report hides its command this long: twice the agent queue's default visibility timeout. */
export const PROGRESS_EXTENSION_SECONDS = 60

/** Hands the agent the commands waiting for it, recording each delivery for operators. */
export async function receiveAgentCommands(deps: AgentCommandDeps, waitSeconds: number, max = MAX_COMMANDS): Promise<AgentCommand[]> {
  const commands = await deps.inbox.receive(Math.min(MAX_WAIT_SECONDS, Math.max(0, waitSeconds)), Math.min(MAX_COMMANDS, Math.max(1, max)))
  const now = deps.clock.now()
  await Promise.all(
    commands.map((command) => deps.records.save({ id: command.id, type: command.type, outcome: 'received', receivedCount: command.receivedCount, updatedAt: now })),
  )
  return commands
}

export interface AgentResult {
  receipt: string
  outcome: 'done' | 'failed' | 'progress'
  detail?: string
}

/**
 * The agent's report on one command. `done` and `failed` delete it from the queue (a failure's reason
 * is kept); `progress` hides it for {@link AgentCommandDeps.progressExtensionSeconds} more. A report
 * on a command already finished changes nothing and answers its recorded outcome, so a report sent
 * twice acts once; `progress` after the end is a 409.
 */
export async function reportAgentResult(deps: AgentCommandDeps, id: string, result: AgentResult): Promise<AgentCommandRecord> {
  const known = await deps.records.get(id)
  if (known && (known.outcome === 'done' || known.outcome === 'failed')) {
    if (result.outcome === 'progress') throw new ConflictError(`Command ${id} already ended: ${known.outcome}`, { code: 'AGENT_COMMAND_ENDED' })
    await deps.inbox.acknowledge(result.receipt)
    return known
  }
  if (result.outcome === 'progress') await deps.inbox.extend(result.receipt, deps.progressExtensionSeconds)
  else await deps.inbox.acknowledge(result.receipt)
  const record: AgentCommandRecord = {
    id,
    ...(known?.type ? { type: known.type } : {}),
    ...(known?.receivedCount ? { receivedCount: known.receivedCount } : {}),
    outcome: result.outcome,
    ...(result.detail ? { detail: result.detail } : {}),
    updatedAt: deps.clock.now(),
  }
  if (await deps.records.save(record)) return record
  return (await deps.records.get(id)) ?? record
}
