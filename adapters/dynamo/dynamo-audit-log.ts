import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb'
import { ValidationError } from '../../core/shared/errors.ts'
import type { AuditCaller, AuditEntry, AuditLog, AuditPage, AuditQuery } from '../../core/security/audit.ts'
import { MAX_AUDIT_PATH, auditCallerId, auditDay, auditExpiry, auditSortKey } from '../../core/security/audit.ts'
import type { TableContext } from './document-client.ts'
import { TTL_ATTRIBUTE } from './table-schema.ts'

/** Query rounds one listing may take to fill a page when `caller` filters most of a day out. */
const MAX_ROUNDS = 10

export const encodeAuditCursor = (sortKey: string): string => Buffer.from(sortKey, 'utf8').toString('base64url')

/** The sort key a cursor continues after; a 400 naming `cursor` for anything this listing did not give for that day. */
export function decodeAuditCursor(cursor: string, day: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!text.startsWith(`${day}T`) || !/^\d{4}-\d\d-\d\dT[\d:.]+Z#[A-Za-z0-9._:-]{1,128}$/.test(text)) {
    throw new ValidationError('Query parameter cursor: not a cursor this listing gave for this day', { code: 'INVALID_PARAMETER', details: { parameter: 'cursor' } })
  }
  return text
}

function callerFromItem(item: Record<string, NativeAttributeValue>): AuditCaller {
  const kind = item.callerKind as AuditCaller['kind']
  if (kind === 'peer' || kind === 'agent') return { kind, id: item.callerId as string, keyId: item.keyId as string }
  if (kind === 'unsigned') return { kind, reason: item.reason as 'loopback' | 'legacy-peer', ...(item.callerId ? { id: item.callerId as string } : {}) }
  return { kind: 'none' }
}

const entryFromItem = (item: Record<string, NativeAttributeValue>): AuditEntry => ({
  id: item.id as string,
  at: new Date(item.at as string),
  caller: callerFromItem(item),
  method: item.method as string,
  path: item.path as string,
  correlationId: item.correlationId as string,
  status: item.status as number,
  durationMs: item.durationMs as number,
})

/**
 * The audit trail on the participant table: one partition per UTC day (`AUDIT#<yyyy-mm-dd>`), entries
 * sorted by `<at>#<id>`, dropped by DynamoDB's TTL ninety days on. Listing reads a day oldest first.
 */
export class DynamoAuditLog implements AuditLog {
  constructor(private readonly table: TableContext) {}

  async record(entry: AuditEntry): Promise<void> {
    const callerId = auditCallerId(entry.caller)
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          pk: `AUDIT#${auditDay(entry.at)}`,
          sk: auditSortKey(entry),
          kind: 'audit',
          id: entry.id,
          at: entry.at.toISOString(),
          callerKind: entry.caller.kind,
          ...(callerId ? { callerId } : {}),
          ...('keyId' in entry.caller ? { keyId: entry.caller.keyId } : {}),
          ...('reason' in entry.caller ? { reason: entry.caller.reason } : {}),
          method: entry.method,
          path: entry.path.slice(0, MAX_AUDIT_PATH),
          correlationId: entry.correlationId,
          status: entry.status,
          durationMs: entry.durationMs,
          [TTL_ATTRIBUTE]: Math.floor(auditExpiry(entry.at).getTime() / 1000),
        },
      }),
    )
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const after = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor, query.day)
    const found: Record<string, NativeAttributeValue>[] = []
    let start: Record<string, NativeAttributeValue> | undefined = after ? { pk: `AUDIT#${query.day}`, sk: after } : undefined
    for (let round = 0; round < MAX_ROUNDS && found.length <= query.limit; round++) {
      const { Items = [], LastEvaluatedKey } = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ...(query.caller ? { FilterExpression: 'callerId = :caller' } : {}),
          ExpressionAttributeValues: { ':pk': `AUDIT#${query.day}`, ...(query.caller ? { ':caller': query.caller } : {}) },
          ...(start ? { ExclusiveStartKey: start } : {}),
          Limit: query.limit + 1,
        }),
      )
      found.push(...Items)
      start = LastEvaluatedKey
      if (!start) break
    }
    const page = found.slice(0, query.limit)
    const resumeAfter = found.length > query.limit ? page.at(-1)?.sk : start?.sk
    return { entries: page.map(entryFromItem), ...(resumeAfter ? { next: encodeAuditCursor(resumeAfter as string) } : {}) }
  }
}
