import type { ClusterStatus } from './ports.ts'

/** The agent reports every 30 s; three missed reports make the cluster's state unknown. */
export const CLUSTER_REPORT_STALE_MS = 90_000
/** What a 503 tells callers to wait, in seconds: about one agent report. */
export const LIQO_RETRY_AFTER_SECONDS = 30

/**
 * Whether calls that lead to peering may proceed (the Go node's readiness gate, reference §3):
 * without any agent report the participant runs on static configuration and is never gated; with
 * one, Liqo must be ready and the report fresh. Pure: `now` comes from the caller's Clock.
 */
export function liqoReadiness(status: ClusterStatus | undefined, now: Date): { ready: true } | { ready: false; reason: string } {
  if (!status) return { ready: true }
  if (now.getTime() - status.reportedAt.getTime() > CLUSTER_REPORT_STALE_MS) {
    return { ready: false, reason: `the in-cluster agent has not reported since ${status.reportedAt.toISOString()}` }
  }
  return status.liqoReady ? { ready: true } : { ready: false, reason: `Liqo is not ready on this participant's cluster${status.detail ? `: ${status.detail}` : ''}` }
}
