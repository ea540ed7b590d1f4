import type { AuditEntry, AuditLog, AuditPage, AuditQuery } from '../../core/security/audit.ts'
import { auditCallerId, auditDay, auditSortKey } from '../../core/security/audit.ts'
import { decodeAuditCursor, encodeAuditCursor } from '../../adapters/dynamo/dynamo-audit-log.ts'

/** In-memory fake of the audit trail: the same day partitions, order, caller filter and cursors as DynamoDB's. */
export class InMemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = []

  async record(entry: AuditEntry): Promise<void> {
    this.entries.push(entry)
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const after = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor, query.day)
    const matching = this.entries
      .filter((e) => auditDay(e.at) === query.day && (after === undefined || auditSortKey(e) > after) && (!query.caller || auditCallerId(e.caller) === query.caller))
      .sort((a, b) => (auditSortKey(a) < auditSortKey(b) ? -1 : 1))
    const page = matching.slice(0, query.limit)
    const last = page.at(-1)
    return { entries: page, ...(matching.length > query.limit && last ? { next: encodeAuditCursor(auditSortKey(last)) } : {}) }
  }
}
