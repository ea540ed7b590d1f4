import type { Caller } from './authorize.ts'

/** How long the audit trail keeps an entry before storage may drop it. */
export const AUDIT_RETENTION_DAYS = 90
/** A recorded path is cut to this many characters. */
export const MAX_AUDIT_PATH = 1024

/** Who made a recorded call: the caller the signature middleware established, or `none` where it did not run or refused the call. */
export type AuditCaller = Caller | { kind: 'none' }

/** One state-changing call as the audit trail keeps it: who, what, the outcome. Never a body, a query or a header. */
export interface AuditEntry {
  id: string
  at: Date
  caller: AuditCaller
  method: string
  path: string
  correlationId: string
  status: number
  durationMs: number
}

/** One UTC day of the trail, oldest first; `caller` keeps the entries of that participant id only. */
export interface AuditQuery {
  day: string
  caller?: string
  limit: number
  /** The `next` of the page before, opaque. */
  cursor?: string
}

export interface AuditPage {
  entries: AuditEntry[]
  next?: string
}

/** The audit trail of state-changing calls, kept {@link AUDIT_RETENTION_DAYS} days and listed by day. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>
  list(query: AuditQuery): Promise<AuditPage>
}

/** The UTC day (`YYYY-MM-DD`) an entry is filed under. */
export const auditDay = (at: Date): string => at.toISOString().slice(0, 10)

/** Where an entry sorts within its day: `<at>#<id>`. */
export const auditSortKey = (entry: Pick<AuditEntry, 'at' | 'id'>): string => `${entry.at.toISOString()}#${entry.id}`

/** The participant id of an entry's caller, when one is known. */
export const auditCallerId = (caller: AuditCaller): string | undefined => ('id' in caller ? caller.id : undefined)

/** When storage may drop an entry. */
export const auditExpiry = (at: Date): Date => new Date(at.getTime() + AUDIT_RETENTION_DAYS * 86_400_000)
