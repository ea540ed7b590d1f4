import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { auditQuery } from '../audit-routes.ts'
import { failure, json } from './provider-docs.ts'

const callerSchema = z
  .object({
    kind: z.enum(['peer', 'agent', 'unsigned', 'none']).describe('peer or agent: a verified signature; unsigned: loopback (local mode) or a legacy FLUIDOS Go peer; none: no signature check ran, or it refused the call'),
    id: z.string().optional().describe('The participant id'),
    keyId: z.string().optional().describe('The key that signed, <participantId>#<kid>'),
    reason: z.enum(['loopback', 'legacy-peer']).optional(),
  })
  .describe('Who made the call')

const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string().describe('When the call arrived (RFC 3339)'),
  caller: callerSchema,
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().describe('The path, without the query'),
  correlationId: z.string().describe('The X-Correlation-Id of the call, as in the logs'),
  status: z.number().int().describe('The HTTP status answered'),
  durationMs: z.number(),
})

/** Documents `GET /admin/v1/audit`, the audit trail of state-changing calls. */
export function registerAuditDocs(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/admin/v1/audit',
    summary: 'The audit trail: every state-changing call of one UTC day (kept 90 days), oldest first, a page at a time',
    request: { query: auditQuery },
    responses: {
      200: json(z.object({ day: z.string(), entries: z.array(auditEntrySchema), next: z.string().nullable() }), 'One page of the day'),
      400: failure('Bad day, caller, limit or cursor'),
      401: failure('Missing or wrong operator credentials'),
    },
  })
}
