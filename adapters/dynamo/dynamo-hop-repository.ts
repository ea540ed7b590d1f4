import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { ContentionError } from '../../core/shared/errors.ts'
import type { Hop } from '../../core/chain/model.ts'
import type { HopEffects, HopRepository } from '../../core/chain/ports.ts'
import { dueAt } from '../../core/chain/sweep-chains.ts'
import { hopFromStored, hopToStored } from '../../core/wire/chain-codec.ts'
import type { TableContext } from './document-client.ts'
import { allocationToItem, contractToItem } from './item-mappers.ts'
import { GSI1, index, key } from './table-schema.ts'
import { ConditionsFailed, transactWrite } from './transact.ts'
import { releaseContractItem } from './dynamo-contract-repository.ts'
import type { TransactItems as Items } from './transact.ts'

/** Chain hops on DynamoDB: the hop and its contract, allocation and network event commit together. */
export class DynamoHopRepository implements HopRepository {
  constructor(private readonly table: TableContext) {}

  async get(chainId: string): Promise<Hop | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: key.hop(chainId), ConsistentRead: true }))
    return Item ? hopFromStored(JSON.parse(Item.hop as string)) : undefined
  }

  private effectItems(effects: HopEffects = {}): Items {
    const TableName = this.table.tableName
    const items: Items = []
    const once = 'attribute_not_exists(pk)'
    if (effects.contract) items.push({ Put: { TableName, Item: contractToItem(effects.contract), ConditionExpression: once } })
    if (effects.allocation) items.push({ Put: { TableName, Item: allocationToItem(effects.allocation), ConditionExpression: once } })
    if (effects.releasedAllocation) {
      items.push({
        Update: {
          TableName,
          Key: key.allocation(effects.releasedAllocation.id),
          UpdateExpression: 'SET #status = :released, updatedAt = :at, gsi1pk = :index',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':released': 'released', ':at': effects.releasedAllocation.at.toISOString(), ':index': index.allocations('released') },
        },
      })
    }
    if (effects.releasedContract) items.push(releaseContractItem(TableName, effects.releasedContract.id, effects.releasedContract.at.toISOString()))
    if (effects.allocationStatus) {
      const { id, status, at, detail } = effects.allocationStatus
      items.push({
        Update: {
          TableName,
          Key: key.allocation(id),
          UpdateExpression: `SET #status = :status, updatedAt = :at, gsi1pk = :index${detail ? ', detail = :detail' : ' REMOVE detail'}`,
          ConditionExpression: 'attribute_exists(pk) AND #status <> :released',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':released': 'released', ':at': at.toISOString(), ':index': index.allocations(status), ...(detail ? { ':detail': detail } : {}) },
        },
      })
    }
    if (effects.networkEvent) {
      const e = effects.networkEvent
      items.push({
        Put: {
          TableName,
          Item: { ...key.networkEvent(e.id), kind: 'network-event', chainId: e.chainId, contractId: e.contractId, peers: e.peers, at: e.at.toISOString() },
          ConditionExpression: once,
        },
      })
    }
    return items
  }

  /** Indexed under `HOPS#DUE` by {@link dueAt} while the sweeper may have to act on it. */
  private item(hop: Hop) {
    const due = dueAt(hop)
    return {
      ...key.hop(hop.chainId),
      kind: 'hop',
      state: hop.state,
      version: hop.version,
      hop: JSON.stringify(hopToStored(hop)),
      ...(due ? { gsi1pk: index.dueHops, gsi1sk: `${due.toISOString()}#${hop.chainId}` } : {}),
    }
  }

  async listDue(now: Date, limit: number): Promise<Hop[]> {
    const { Items: items = [] } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: GSI1.name,
        KeyConditionExpression: '#pk = :pk AND #sk <= :now',
        ExpressionAttributeNames: { '#pk': GSI1.partition, '#sk': GSI1.sort },
        ExpressionAttributeValues: { ':pk': index.dueHops, ':now': `${now.toISOString()}#~` },
        Limit: limit,
      }),
    )
    return items.map((item) => hopFromStored(JSON.parse(item.hop as string)))
  }

  /** One conditional write: a plain PutItem when the hop changes alone, a transaction with its effects. */
  private async write(put: { Item: Record<string, unknown>; ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }, effects?: HopEffects): Promise<void> {
    const extra = this.effectItems(effects)
    if (extra.length === 0) {
      try {
        await this.table.client.send(new PutCommand({ TableName: this.table.tableName, ...put }))
        return
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new ConditionsFailed([0], { cause: error })
        throw error
      }
    }
    await transactWrite(this.table, [{ Put: { TableName: this.table.tableName, ...put } }, ...extra])
  }

  async create(hop: Hop, effects?: HopEffects): Promise<boolean> {
    try {
      await this.write({ Item: this.item({ ...hop, version: 0 }), ConditionExpression: 'attribute_not_exists(pk)' }, effects)
      return true
    } catch (error) {
      if (error instanceof ConditionsFailed) return false
      throw error
    }
  }

  async save(hop: Hop, expectedVersion: number, effects?: HopEffects): Promise<void> {
    try {
      await this.write(
        {
          Item: this.item(hop),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
        effects,
      )
    } catch (error) {
      if (error instanceof ConditionsFailed) throw new ContentionError(`chain ${hop.chainId} changed concurrently`, { cause: error })
      throw error
    }
  }
}
