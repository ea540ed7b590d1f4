import { randomUUID } from 'node:crypto'
import { paginateQuery } from '@aws-sdk/lib-dynamodb'
import type { IndexChange, IndexChangeLog } from '../../core/catalog/indexed-listing.ts'
import { systemClock } from '../../core/shared/system-clock.ts'
import type { TableContext } from './document-client.ts'
import type { TransactItems } from './transact.ts'
import { TTL_ATTRIBUTE } from './table-schema.ts'

/** The listings a warm index serves: a node's own flavours (rows keyed by pool id) and flavours published to an aggregator. */
export type IndexSource = 'own' | 'pub'

/** Log entries are kept a day: a snapshot older than that is not caught up from the log but rebuilt. */
export const INDEX_LOG_RETENTION_MS = 86_400_000

const partition = (source: IndexSource) => `IDXLOG#${source}`
const position = (ms: number) => String(Math.max(0, Math.trunc(ms))).padStart(14, '0')

/** The log entry saying row `key` of `source` changed, written in the same request as the change. */
export function changeLogItem(table: TableContext, source: IndexSource, key: string): Record<string, unknown> {
  const now = (table.clock ?? systemClock).now().getTime()
  return {
    pk: partition(source),
    sk: `${position(now)}#${randomUUID()}`,
    kind: 'index-change',
    key,
    [TTL_ATTRIBUTE]: Math.floor((now + INDEX_LOG_RETENTION_MS) / 1000),
  }
}

const POOL_PREFIX = 'POOL#'

function poolIdOf(item: TransactItems[number]): string | undefined {
  const pk = (item.Update?.Key?.pk ?? item.Put?.Item?.pk ?? item.Delete?.Key?.pk) as unknown
  return typeof pk === 'string' && pk.startsWith(POOL_PREFIX) ? pk.slice(POOL_PREFIX.length) : undefined
}

/**
 * `items` plus one log entry per capacity pool they write: every change of what a node lists
 * (publish, refresh, withdraw, hold, cancel, expiry, purchase, undo) moves its pool, so the log
 * learns of it in the same transaction, whichever repository wrote it.
 */
export function withPoolChanges(table: TableContext, items: TransactItems): TransactItems {
  const pools = [...new Set(items.map(poolIdOf).filter((id): id is string => id !== undefined))]
  if (pools.length === 0) return items
  return [...items, ...pools.map((id) => ({ Put: { TableName: table.tableName, Item: changeLogItem(table, 'own', id) } }))]
}

/** The change log of one listing source on DynamoDB: one partition, sorted by the writer's time. */
export class DynamoIndexChangeLog implements IndexChangeLog {
  constructor(
    private readonly table: TableContext,
    private readonly source: IndexSource,
  ) {}

  async since(fromMs: number): Promise<IndexChange[]> {
    const changes: IndexChange[] = []
    const pages = paginateQuery(
      { client: this.table.client, pageSize: 1000 },
      {
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: { ':pk': partition(this.source), ':from': position(fromMs) },
        ProjectionExpression: 'sk, #key',
        ExpressionAttributeNames: { '#key': 'key' },
        ConsistentRead: true,
      },
    )
    for await (const page of pages) for (const item of page.Items ?? []) changes.push({ id: item.sk as string, key: item.key as string })
    return changes
  }
}
