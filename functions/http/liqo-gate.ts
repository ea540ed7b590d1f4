import { LIQO_RETRY_AFTER_SECONDS, liqoReadiness } from '../../core/cluster/liqo-readiness.ts'
import type { ClusterStatusRepository } from '../../core/cluster/ports.ts'
import type { Clock } from '../../core/shared/ports.ts'
import { errorJson } from './error-handler.ts'
import type { AuthMiddleware } from './middleware.ts'

/** The calls that end in a peering or a deployment on this node's cluster: reserve, buy, start or buy a chain, deploy. */
export const PEERING_ROUTES: readonly (readonly ['POST' | 'PUT', string])[] = [
  ['POST', '/api/v2/reservations'],
  ['POST', '/api/v2/transactions/:id/purchase'],
  ['POST', '/chain/v1/operations'],
  ['POST', '/chain/v1/operations/:id/purchase'],
  ['PUT', '/chain/v1/operations/:id/workloads/:name'],
]

/**
 * 503 with `Retry-After` while the cluster's Liqo is not ready or its agent has gone quiet, as the Go
 * node's readiness gate answers; discovery, status and release still work, and so does the agent's scan.
 */
export function liqoGate(status: ClusterStatusRepository, clock: Clock): AuthMiddleware {
  return async (c, next) => {
    const readiness = liqoReadiness(await status.get(), clock.now())
    if (!readiness.ready) {
      c.header('Retry-After', String(LIQO_RETRY_AFTER_SECONDS))
      return errorJson(c, 503, { code: 'LIQO_NOT_READY', message: readiness.reason })
    }
    await next()
  }
}
