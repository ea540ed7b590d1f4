import type { Logger } from '../../core/shared/ports.ts'
import type { ReceivedCommand } from '../participant-client.ts'
import type { CommandDeps, CommandOutcome } from './run-command.ts'
import { runCommand } from './run-command.ts'

/** The participant side of the loop: long-poll commands, report outcomes. */
export interface CommandSource {
  receiveCommands(waitSeconds: number, signal?: AbortSignal): Promise<ReceivedCommand[]>
  reportResult(id: string, receipt: string, outcome: 'done' | 'failed' | 'progress', detail?: string): Promise<void>
}

export interface CommandLoopOptions {
  /** Long-poll wait, seconds (0–20). */
  waitSeconds?: number
  /** A running command reports progress this often, in ms, so the queue keeps it hidden (60 s each time). */
  progressEveryMs?: number
  /** After a failed poll, wait from this many ms, doubling to 30 s. */
  retryFirstMs?: number
}

/** Commands on one remote cluster run one at a time (they share its tenant namespace); others in parallel. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const next = previous.then(work, work)
    const tail = next.catch(() => {})
    this.tails.set(key, tail)
    void tail.then(() => this.tails.get(key) === tail && this.tails.delete(key))
    return next
  }
}

/**
 * The agent's command loop: long-polls its participant's agent queue, runs each command (idempotent,
 * see `runCommand`), reports progress while it runs and its outcome after. A command left unreported
 * (`retry`, or a crash) comes back after its visibility timeout, and goes to the DLQ after 5 tries.
 */
export function startCommandLoop(source: CommandSource, deps: CommandDeps, logger: Logger, options: CommandLoopOptions = {}): { stop(): Promise<void> } {
  const lock = new KeyedLock()
  const running = new Set<Promise<void>>()
  let stopped = false
  const polling = new AbortController()
  const waitSeconds = options.waitSeconds ?? 20

  const handle = async (command: ReceivedCommand) => {
    const key = String(command.payload.remoteClusterId ?? command.payload.chainId ?? command.id)
    const progress = setInterval(() => void source.reportResult(command.id, command.receipt, 'progress', 'working').catch(() => {}), options.progressEveryMs ?? 20_000)
    let result: CommandOutcome
    try {
      result = await lock.run(key, () => runCommand(deps, command.type, command.payload))
    } finally {
      clearInterval(progress)
    }
    logger.info('AGENT_COMMAND', { commandId: command.id, type: command.type, receivedCount: command.receivedCount, outcome: result.outcome, detail: result.detail })
    if (result.outcome !== 'retry') await source.reportResult(command.id, command.receipt, result.outcome, result.detail)
  }

  const loop = async () => {
    let backoff = options.retryFirstMs ?? 500
    while (!stopped) {
      try {
        const commands = await source.receiveCommands(waitSeconds, polling.signal)
        backoff = options.retryFirstMs ?? 500
        for (const command of commands) {
          const job = handle(command).catch((error: unknown) => logger.warn('AGENT_COMMAND_FAILED', { commandId: command.id, error: error instanceof Error ? error.message : String(error) }))
          running.add(job)
          void job.finally(() => running.delete(job))
        }
        if (commands.length === 0) await new Promise((resolve) => setTimeout(resolve, 200))
      } catch (error) {
        if (stopped) break
        logger.warn('AGENT_POLL_FAILED', { error: error instanceof Error ? error.message : String(error), retryInMs: backoff })
        await new Promise((resolve) => setTimeout(resolve, backoff))
        backoff = Math.min(30_000, backoff * 2)
      }
    }
  }
  const done = loop()
  return {
    stop: async () => {
      stopped = true
      polling.abort()
      await done
      await Promise.allSettled([...running])
    },
  }
}
