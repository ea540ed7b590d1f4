import { randomUUID } from 'node:crypto'
import { inject } from 'vitest'
import { CreateTableCommand } from '@aws-sdk/client-dynamodb'
import { createTableContext } from '../../adapters/dynamo/document-client.ts'
import type { TableContext } from '../../adapters/dynamo/document-client.ts'
import { createTableInput } from '../../adapters/dynamo/table-schema.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.ts'

/** A fresh participant table on the shared DynamoDB Local, so test files never see each other's items. */
export async function createTestTable(prefix = 'test'): Promise<TableContext> {
  const table = createTableContext({
    tableName: `${prefix}-${randomUUID()}`,
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  })
  await table.client.send(new CreateTableCommand(createTableInput(table.tableName)))
  return table
}
