import { paginateQuery } from '@aws-sdk/lib-dynamodb'
import type { TableContext } from './document-client.ts'
import { GSI1 } from './table-schema.ts'

/** Every item of one `gsi1` partition, page by page (1 MB pages, as DynamoDB returns them). */
export async function queryIndexPartition(table: TableContext, partition: string, projection?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = []
  const pages = paginateQuery(
    { client: table.client, pageSize: 1000 },
    {
      TableName: table.tableName,
      IndexName: GSI1.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': GSI1.partition },
      ExpressionAttributeValues: { ':pk': partition },
      ...(projection ? { ProjectionExpression: projection } : {}),
    },
  )
  for await (const page of pages) items.push(...(page.Items ?? []))
  return items
}
