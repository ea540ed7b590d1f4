import { BatchGetCommand } from '@aws-sdk/lib-dynamodb'
import type { TableContext } from './document-client.ts'

const BATCH_GET_LIMIT = 100
type Key = Record<string, string>

/** Every item found among `keys` (strongly consistent), 100 keys per request, unprocessed keys retried with backoff. */
export async function batchGet(table: TableContext, keys: readonly Key[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = []
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    let pending: Key[] | undefined = keys.slice(i, i + BATCH_GET_LIMIT)
    for (let attempt = 0; pending?.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)))
      const answer = await table.client.send(new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: pending, ConsistentRead: true } } }))
      found.push(...(answer.Responses?.[table.tableName] ?? []))
      pending = answer.UnprocessedKeys?.[table.tableName]?.Keys as Key[] | undefined
    }
  }
  return found
}
