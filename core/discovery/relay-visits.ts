import type { RelayRequest } from './model.ts'
import type { RelayVisit, RelayVisits } from './ports.ts'
import { answerKey } from './result-pages.ts'

/**
 * The visit a relay records for `request`, kept for as long as the search may still reach it along
 * another path: the longer of the request's budget and one per-peer timeout (an origin's whole budget
 * when it shares our settings), plus `marginMs`. Keyed by correlation id and what was asked (selector
 * and page), since one correlation id may carry several searches (a Go LIST searches every type).
 */
export function relayVisitOf(request: RelayRequest, now: Date, timing: { peerTimeoutMs: number; marginMs: number }): RelayVisit {
  const keptMs = Math.max(request.budgetMs, timing.peerTimeoutMs) + timing.marginMs
  return { correlationId: request.correlationId, search: answerKey(request), hopsLeft: request.hopsLeft, expiresAt: new Date(now.getTime() + keptMs) }
}

/**
 * {@link RelayVisits} in one process's memory: the simulator, unit tests and a participant on given
 * repositories. Expired visits are dropped as new ones come, so it holds at most the visits of one TTL.
 */
export class InMemoryRelayVisits implements RelayVisits {
  private readonly visits = new Map<string, { hopsLeft: number; expiresAt: number }>()

  async firstVisit(visit: RelayVisit, now: Date): Promise<boolean> {
    const at = now.getTime()
    for (const [key, kept] of this.visits) if (kept.expiresAt <= at) this.visits.delete(key)
    const key = JSON.stringify([visit.correlationId, visit.search])
    const before = this.visits.get(key)
    if (before && before.hopsLeft >= visit.hopsLeft) return false
    this.visits.set(key, { hopsLeft: visit.hopsLeft, expiresAt: visit.expiresAt.getTime() })
    return true
  }

  /** Visits still held (expired ones linger until the next visit). */
  get size(): number {
    return this.visits.size
  }
}
