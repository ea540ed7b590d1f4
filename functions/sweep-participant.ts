import { releaseExpiredHolds } from '../core/reservations/release-expired-holds.ts'
import { sweepChains } from '../core/chain/sweep-chains.ts'
import type { Participant } from './composition.ts'
import { resumeStalledIntents } from '../core/intents/resume-intents.ts'

export interface SweepResult {
  released: number
  dropped: number
  chains: { expired: number; drained: number; failed: number }
  /** Live intents whose step stalled (its message lost or dead-lettered), queued again. */
  intents: number
}

/**
 * The expiry sweep of one participant: expired holds back to their pools, stale candidates and
 * publications dropped, chain hops past their deadline failed or released, stale outboxes drained,
 * and stalled intents resumed.
 */
export async function sweepParticipant(sweep: Participant['sweep']): Promise<SweepResult> {
  const released = await releaseExpiredHolds(sweep)
  let dropped = 0
  for (const store of sweep.remote) dropped += await store.removeStale(sweep.clock.now())
  const chains = await sweepChains({ ...sweep.chain, logger: sweep.logger })
  const intents = sweep.intents ? await resumeStalledIntents({ ...sweep.intents, logger: sweep.logger }) : 0
  return { released, dropped, chains, intents }
}
