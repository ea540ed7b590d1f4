import { GetCommand } from '@aws-sdk/lib-dynamodb'
import type { CapacityPool, Flavour, StoredFlavour, SupportedFlavourType } from '../../core/flavours/model.ts'
import { SUPPORTED_FLAVOUR_TYPES } from '../../core/flavours/model.ts'
import type { FlavourRefresh, FlavourRepository, FlavourWithdrawal } from '../../core/flavours/ports.ts'
import { ContentionError } from '../../core/shared/errors.ts'
import type { TableContext } from './document-client.ts'
import { flavourFromItem, flavourToItem, poolFromItem, poolToItem } from './item-mappers.ts'
import { FLAVOUR_INDEX_SHARDS, index, key } from './table-schema.ts'
import { queryIndexPartition } from './query-index.ts'
import { ConditionsFailed, transactWrite } from './transact.ts'

/** Available Resources on DynamoDB: flavour items plus a sparse GSI of the available ones per type. */
export class DynamoFlavourRepository implements FlavourRepository {
  constructor(private readonly table: TableContext) {}

  async get(id: string): Promise<StoredFlavour | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: key.flavour(id) }))
    return Item ? flavourFromItem(Item) : undefined
  }

  async listAvailable(type?: SupportedFlavourType): Promise<Flavour[]> {
    const types = type ? [type] : [...SUPPORTED_FLAVOUR_TYPES]
    const lists = await Promise.all(types.map((t) => this.queryAvailable(t)))
    return lists.flat()
  }

  private async queryAvailable(type: SupportedFlavourType): Promise<Flavour[]> {
    const shards = Array.from({ length: FLAVOUR_INDEX_SHARDS }, (_, shard) => this.queryShard(type, shard))
    return (await Promise.all(shards)).flat()
  }

  private async queryShard(type: SupportedFlavourType, shard: number): Promise<Flavour[]> {
    const items = await queryIndexPartition(this.table, index.availableFlavours(type, shard), 'wire, poolId')
    return items.map((item) => flavourFromItem(item).flavour)
  }

  async publish(flavour: Flavour, pool: CapacityPool): Promise<void> {
    try {
      await transactWrite(this.table, [
        { Put: { TableName: this.table.tableName, Item: poolToItem(pool), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: this.table.tableName, Item: flavourToItem(flavour, pool.id), ConditionExpression: 'attribute_not_exists(pk)' } },
      ])
    } catch (error) {
      if (!(error instanceof ConditionsFailed)) throw error
    }
  }

  async getPool(id: string): Promise<CapacityPool | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: key.pool(id), ConsistentRead: true }))
    return Item ? poolFromItem(Item) : undefined
  }

  /** The pool, written whole iff it is still at the version the change was planned on. */
  private guardedPool(change: FlavourRefresh | FlavourWithdrawal) {
    return {
      Put: {
        TableName: this.table.tableName,
        Item: poolToItem(change.pool),
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': change.previous.version },
      },
    }
  }

  async refresh(change: FlavourRefresh): Promise<void> {
    try {
      await transactWrite(this.table, [
        this.guardedPool(change),
        { Put: { TableName: this.table.tableName, Item: flavourToItem(change.flavour, change.pool.id) } },
      ])
    } catch (error) {
      if (error instanceof ConditionsFailed) throw new ContentionError('Capacity pool changed during a flavour refresh', { cause: error })
      throw error
    }
  }

  async withdraw(change: FlavourWithdrawal): Promise<void> {
    try {
      await transactWrite(this.table, [
        this.guardedPool(change),
        {
          Update: {
            TableName: this.table.tableName,
            Key: key.flavour(change.flavourId),
            UpdateExpression: 'SET retired = :yes REMOVE gsi1pk, gsi1sk',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':yes': true },
          },
        },
      ])
    } catch (error) {
      if (error instanceof ConditionsFailed) throw new ContentionError('Capacity pool changed during a flavour withdrawal', { cause: error })
      throw error
    }
  }
}
