import { CreateTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb'
import type { TableContext } from '../adapters/dynamo/document-client.ts'
import { createTableInput } from '../adapters/dynamo/table-schema.ts'

/** Creates a participant table on the emulator unless it already exists (persisted runs). */
export async function ensureTable(table: TableContext): Promise<void> {
  try {
    await table.client.send(new CreateTableCommand(createTableInput(table.tableName)))
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error
  }
}
