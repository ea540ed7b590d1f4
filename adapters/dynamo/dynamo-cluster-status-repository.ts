import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import type { ClusterStatus, ClusterStatusRepository } from '../../core/cluster/ports.ts'
import type { TableContext } from './document-client.ts'

const clusterStatusKey = { pk: 'CLUSTER#status', sk: 'META' }

/** The agent's latest cluster report on the participant table (`CLUSTER#status`); an older report never replaces a newer one. */
export class DynamoClusterStatusRepository implements ClusterStatusRepository {
  constructor(private readonly table: TableContext) {}

  async get(): Promise<ClusterStatus | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: clusterStatusKey, ConsistentRead: true }))
    if (!Item) return undefined
    return {
      ...(Item.clusterId ? { clusterId: Item.clusterId as string } : {}),
      liqoReady: Item.liqoReady === true,
      ...(Item.detail ? { detail: Item.detail as string } : {}),
      reportedAt: new Date(Item.reportedAt as string),
    }
  }

  async save(status: ClusterStatus): Promise<void> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...clusterStatusKey, kind: 'clusterStatus', ...status, reportedAt: status.reportedAt.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR reportedAt <= :at',
          ExpressionAttributeValues: { ':at': status.reportedAt.toISOString() },
        }),
      )
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
    }
  }
}
