import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import type { AgentCommandRecord, AgentCommandRepository, AgentOutcome } from '../../core/agent/ports.ts'
import type { TableContext } from './document-client.ts'

const agentCommandKey = (id: string) => ({ pk: `AGENTCMD#${id}`, sk: 'META' })

/** Agent command outcomes on the participant table (`AGENTCMD#<id>`); a final outcome is never overwritten. */
export class DynamoAgentCommandRepository implements AgentCommandRepository {
  constructor(private readonly table: TableContext) {}

  async get(id: string): Promise<AgentCommandRecord | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: agentCommandKey(id), ConsistentRead: true }))
    if (!Item) return undefined
    return {
      id: Item.id as string,
      ...(Item.type ? { type: Item.type as string } : {}),
      outcome: Item.outcome as AgentOutcome,
      ...(Item.detail ? { detail: Item.detail as string } : {}),
      ...(Item.receivedCount ? { receivedCount: Item.receivedCount as number } : {}),
      updatedAt: new Date(Item.updatedAt as string),
    }
  }

  async save(record: AgentCommandRecord): Promise<boolean> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...agentCommandKey(record.id), kind: 'agentCommand', ...record, updatedAt: record.updatedAt.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR NOT (#outcome IN (:done, :failed))',
          ExpressionAttributeNames: { '#outcome': 'outcome' },
          ExpressionAttributeValues: { ':done': 'done', ':failed': 'failed' },
        }),
      )
      return true
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false
      throw error
    }
  }
}
