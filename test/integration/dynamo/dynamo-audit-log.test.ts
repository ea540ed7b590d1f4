import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { describe, expect, it } from 'vitest'
import { DynamoAuditLog } from '../../../adapters/dynamo/dynamo-audit-log.ts'
import type { TableContext } from '../../../adapters/dynamo/document-client.ts'
import type { AuditEntry, AuditLog } from '../../../core/security/audit.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { InMemoryAuditLog } from '../../support/in-memory-audit-log.ts'

const entry = (id: string, at: string, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  id,
  at: new Date(at),
  caller: { kind: 'peer', id: 'consumer-node', keyId: 'consumer-node#k1' },
  method: 'POST',
  path: '/rear/v1/chain/messages',
  correlationId: `corr-${id}`,
  status: 202,
  durationMs: 12.5,
  ...overrides,
})

const logs: { name: string; create: () => Promise<{ log: AuditLog; table?: TableContext }> }[] = [
  { name: 'memory', create: async () => ({ log: new InMemoryAuditLog() }) },
  {
    name: 'DynamoDB',
    create: async () => {
      const table = await createTestTable('audit')
      return { log: new DynamoAuditLog(table), table }
    },
  },
]

describe.each(logs)('audit log on $name', ({ create }) => {
  it('lists one day oldest first, every kind of caller as recorded', async () => {
    const { log } = await create()
    const entries = [
      entry('a3', '2026-01-01T10:00:02Z', { caller: { kind: 'none' }, status: 401 }),
      entry('a1', '2026-01-01T10:00:00Z'),
      entry('a2', '2026-01-01T10:00:01Z', { caller: { kind: 'unsigned', reason: 'legacy-peer', id: 'go-node' }, method: 'DELETE' }),
      entry('a4', '2026-01-01T10:00:03Z', { caller: { kind: 'unsigned', reason: 'loopback' } }),
      entry('b1', '2026-01-02T00:00:00Z', { caller: { kind: 'agent', id: 'provider-1', keyId: 'provider-1#agent' } }),
    ]
    for (const e of entries) await log.record(e)
    expect((await log.list({ day: '2026-01-01', limit: 10 })).entries).toEqual([entries[1], entries[2], entries[0], entries[3]])
    expect(await log.list({ day: '2026-01-02', limit: 10 })).toEqual({ entries: [entries[4]] })
    expect(await log.list({ day: '2026-01-03', limit: 10 })).toEqual({ entries: [] })
  })

  it('pages with a cursor, and filters by caller across pages', async () => {
    const { log } = await create()
    for (let i = 0; i < 7; i++) await log.record(entry(`e${i}`, `2026-01-01T10:00:0${i}Z`, i % 2 ? { caller: { kind: 'peer', id: 'other-node', keyId: 'other-node#k1' } } : {}))
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await log.list({ day: '2026-01-01', limit: 3, ...(cursor ? { cursor } : {}) })
      seen.push(...page.entries.map((e) => e.id))
      cursor = page.next
    } while (cursor)
    expect(seen).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6'])
    const first = await log.list({ day: '2026-01-01', limit: 1, caller: 'other-node' })
    expect(first.entries.map((e) => e.id)).toEqual(['e1'])
    const rest = await log.list({ day: '2026-01-01', limit: 5, caller: 'other-node', cursor: first.next! })
    expect(rest.entries.map((e) => e.id)).toEqual(['e3', 'e5'])
  })

  it('refuses a cursor of another day', async () => {
    const { log } = await create()
    await log.record(entry('a1', '2026-01-01T10:00:00Z'))
    await log.record(entry('a2', '2026-01-01T10:00:01Z'))
    const { next } = await log.list({ day: '2026-01-01', limit: 1 })
    await expect(log.list({ day: '2026-01-02', limit: 1, cursor: next! })).rejects.toMatchObject({ code: 'INVALID_PARAMETER' })
  })

  it('stores under AUDIT#<day> / <at>#<id> with a TTL 90 days on', async () => {
    const { log, table } = await create()
    if (!table) return
    await log.record(entry('a1', '2026-01-01T10:00:00Z'))
    const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'AUDIT#2026-01-01', sk: '2026-01-01T10:00:00.000Z#a1' } }))
    expect(Item).toMatchObject({ kind: 'audit', callerKind: 'peer', callerId: 'consumer-node', expireAt: Date.parse('2026-04-01T10:00:00Z') / 1000 })
  })
})
