import type { ChainDeps } from './chain-deps.ts'
import type { Hop } from './model.ts'
import { isLive } from './model.ts'
import { applyEvent, drainOutbox } from './run-hop.ts'
import { reportPeering } from './cluster-work.ts'

/** An outbox not drained this long after its save is drained by the sweeper (a crash, or a lost queue). */
export const OUTBOX_STALE_AFTER_MS = 60_000
/** Hops one sweep handles; the rest wait for the next sweep. */
export const CHAIN_SWEEP_LIMIT = 100

/** A purchased end whose agent has not yet reported its side of the peering. */
const peeringAwaited = (hop: Hop) => hop.state === 'purchased' && hop.peeringDue !== undefined && hop.peering === undefined

/** When the sweeper must look at a hop: its deadline while live, or soon after an undrained save. */
export function dueAt(hop: Hop): Date | undefined {
  const times = [
    ...((isLive(hop.state) || hop.state === 'purchased') && hop.deadline ? [hop.deadline.getTime()] : []),
    ...(peeringAwaited(hop) ? [hop.peeringDue!.getTime()] : []),
    ...(hop.outbox.length > 0 ? [hop.updatedAt.getTime() + OUTBOX_STALE_AFTER_MS] : []),
  ]
  return times.length ? new Date(Math.min(...times)) : undefined
}

/**
 * Every state has a deadline: fails or releases live hops past theirs and drains stale outboxes, so
 * nothing stays in flight after a lost message, a dead-lettered one or a restart with empty queues.
 */
export async function sweepChains(deps: ChainDeps): Promise<{ expired: number; drained: number; failed: number }> {
  const now = deps.clock.now()
  const result = { expired: 0, drained: 0, failed: 0 }
  for (const hop of await deps.hops.listDue(now, CHAIN_SWEEP_LIMIT)) {
    try {
      if ((isLive(hop.state) || hop.state === 'purchased') && hop.deadline && hop.deadline <= now) {
        await applyEvent(deps, hop.chainId, { type: 'DEADLINE' })
        result.expired++
      } else if (peeringAwaited(hop) && hop.peeringDue! <= now) {
        await reportPeering(deps, hop.chainId, { status: 'error', detail: `no peering reported by ${hop.peeringDue!.toISOString()}: is this side's agent running?` })
        result.expired++
      } else {
        await drainOutbox(deps, hop.chainId)
        result.drained++
      }
    } catch (error) {
      result.failed++
      deps.logger.warn('CHAIN_SWEEP_FAILED', { chainId: hop.chainId, error: error instanceof Error ? error.message : String(error) })
    }
  }
  if (result.expired + result.drained + result.failed > 0) deps.logger.info('CHAINS_SWEPT', result)
  return result
}
