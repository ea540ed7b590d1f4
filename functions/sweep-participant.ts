import { releaseExpiredHolds } from '../core/reservations/release-expired-holds.ts'
import type { Participant } from './composition.ts'

/** The expiry sweep of one participant: expired holds back to their pools, stale candidates and publications dropped. */
export async function sweepParticipant(sweep: Participant['sweep']): Promise<{ released: number; dropped: number }> {
  const released = await releaseExpiredHolds(sweep)
  let dropped = 0
  for (const store of sweep.remote) dropped += await store.removeStale(sweep.clock.now())
  return { released, dropped }
}
