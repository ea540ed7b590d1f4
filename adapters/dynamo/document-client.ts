import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Clock } from '../../core/shared/ports.ts'

export interface TableConfig {
  tableName: string
  /** An emulator endpoint in local mode and tests; the default AWS endpoint otherwise. */
  endpoint?: string
  region?: string
  credentials?: DynamoDBClientConfig['credentials']
}

/** What every repository of a participant shares: one document client and the table name. */
export interface TableContext {
  client: DynamoDBDocumentClient
  tableName: string
  /** The participant's clock: stamps the index change log (the system clock when absent). */
  clock?: Clock
}

export function createTableContext(config: TableConfig): TableContext {
  const client = new DynamoDBClient({
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.region ? { region: config.region } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  })
  return {
    client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: config.tableName,
  }
}
