import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import type { MiddlewareHandler } from 'hono'
import * as z from 'zod'
import type { Clock } from '../../core/shared/ports.ts'
import type { AuditEntry, AuditLog } from '../../core/security/audit.ts'
import { MAX_AUDIT_PATH, auditDay } from '../../core/security/audit.ts'
import { wireId } from '../../core/wire/wire-object.ts'
import type { AppEnv } from './env.ts'
import { methodNotAllowed, readQuery } from './middleware.ts'

const STATE_CHANGING: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Searches sent as POST (a relay carries its request in a body): they change nothing, so they are not recorded. */
const SEARCHES: ReadonlySet<string> = new Set(['/rear/v1/relay/list-flavours'])

/**
 * Records every state-changing call (POST, PUT, PATCH, DELETE on any route but the relay search) once it is answered, refused
 * or failed: the caller the signature middleware established, method, path, correlation id, status
 * and duration; never a body, a query or a header. Mounted after `correlation` and before the auth
 * middlewares, so it sees their refusals too. A failed write is logged (`AUDIT_RECORD_FAILED`) and
 * leaves the answer as it is.
 */
export function auditTrail(log: AuditLog, clock: Clock, newId: () => string = randomUUID): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!STATE_CHANGING.has(c.req.method) || SEARCHES.has(c.req.path)) return next()
    const at = clock.now()
    const started = performance.now()
    let answered = false
    try {
      await next()
      answered = true
    } finally {
      const entry: AuditEntry = {
        id: newId(),
        at,
        caller: c.get('caller') ?? { kind: 'none' },
        method: c.req.method,
        path: c.req.path.slice(0, MAX_AUDIT_PATH),
        correlationId: c.get('correlationId') ?? '',
        status: answered ? c.res.status : 500,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      }
      try {
        await log.record(entry)
      } catch (error) {
        c.get('logger')?.error('AUDIT_RECORD_FAILED', { method: entry.method, path: entry.path, status: entry.status, error: (error as Error).message })
      }
    }
  }
}

const DAY = z.iso.date()

/** `GET /admin/v1/audit`: one UTC day (today by default), oldest first, optionally one caller's entries. */
export const auditQuery = z.strictObject({
  day: DAY.optional().describe('UTC day, YYYY-MM-DD (default today)'),
  caller: wireId.optional().describe("Only this participant's calls (a signer or an identified legacy peer)"),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Entries per page (default 100)'),
  cursor: z.string().max(2048).optional().describe('The next of the previous page'),
})

const entryView = (entry: AuditEntry) => ({
  id: entry.id,
  at: entry.at.toISOString(),
  caller: entry.caller,
  method: entry.method,
  path: entry.path,
  correlationId: entry.correlationId,
  status: entry.status,
  durationMs: entry.durationMs,
})

/** The operator's view of the audit trail (behind the operator credentials with the rest of `/admin/*`). */
export function auditRoutes(deps: { audit: AuditLog; clock: Clock }): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/admin/v1/audit', async (c) => {
    const { day = auditDay(deps.clock.now()), caller, limit, cursor } = readQuery(c, auditQuery)
    const page = await deps.audit.list({ day, limit, ...(caller ? { caller } : {}), ...(cursor ? { cursor } : {}) })
    return c.json({ day, entries: page.entries.map(entryView), next: page.next ?? null })
  })
  app.all('/admin/v1/audit', methodNotAllowed(['GET']))
  return app
}
