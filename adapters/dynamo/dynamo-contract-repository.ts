import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { ContentionError } from '../../core/shared/errors.ts'
import type { Contract } from '../../core/contracts/model.ts'
import type { ContractRepository, PurchasePlan, UndoPlan } from '../../core/contracts/ports.ts'
import type { TableContext } from './document-client.ts'
import { allocationToItem, contractFromItem, contractToItem, flavourToItem } from './item-mappers.ts'
import { poolAdjustment } from './dynamo-reservation-repository.ts'
import { index, key } from './table-schema.ts'
import { ConditionsFailed, transactWrite } from './transact.ts'
import type { TransactItems } from './transact.ts'

/** Contracts on DynamoDB, and the purchase committed as one TransactWriteItems (at most 7 items). */
export class DynamoContractRepository implements ContractRepository {
  constructor(private readonly table: TableContext) {}

  async get(id: string): Promise<Contract | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: key.contract(id), ConsistentRead: true }))
    return Item ? contractFromItem(Item) : undefined
  }

  /** Takes an advertised flavour off sale (out of the index), once. */
  private retire(flavourId: string): TransactItems[number] {
    return {
      Update: {
        TableName: this.table.tableName,
        Key: key.flavour(flavourId),
        UpdateExpression: 'SET retired = :yes REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(retired)',
        ExpressionAttributeValues: { ':yes': true },
      },
    }
  }

  private replacementItems(plan: PurchasePlan): TransactItems {
    const { pool, replacement } = plan
    if (!pool) return []
    const TableName = this.table.tableName
    const remainder = replacement?.remainder
    const swap = replacement
      ? remainder
        ? { UpdateExpression: 'SET #version = #version + :one, currentFlavourId = :next', next: { ':next': remainder.id } }
        : { UpdateExpression: 'SET #version = #version + :one REMOVE currentFlavourId', next: {} }
      : { UpdateExpression: 'SET #version = #version + :one', next: {} }
    const items: TransactItems = [
      {
        Update: {
          TableName,
          Key: key.pool(pool.id),
          UpdateExpression: swap.UpdateExpression,
          ConditionExpression: '#version = :poolVersion',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':one': 1, ':poolVersion': pool.version, ...swap.next },
        },
      },
    ]
    if (replacement) {
      items.push(this.retire(replacement.retiredFlavourId))
    }
    if (remainder) {
      items.push({ Put: { TableName, Item: flavourToItem(remainder, pool.id), ConditionExpression: 'attribute_not_exists(pk)' } })
    }
    return items
  }

  async commitPurchase(plan: PurchasePlan): Promise<void> {
    const TableName = this.table.tableName
    const tx = plan.transaction
    const items: TransactItems = [
      {
        Update: {
          TableName,
          Key: key.transaction(tx.id),
          UpdateExpression: 'SET #status = :purchased, contractId = :contract, allocationId = :allocation, #version = #version + :one REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#status = :reserved AND #version = :version',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: {
            ':purchased': 'purchased',
            ':reserved': 'reserved',
            ':contract': plan.contract.id,
            ':allocation': plan.allocation.id,
            ':one': 1,
            ':version': tx.version,
          },
        },
      },
      {
        Delete: {
          TableName,
          Key: key.buyerKey(tx.reservationKey, tx.flavourId),
          ConditionExpression: 'attribute_not_exists(pk) OR txId = :tx',
          ExpressionAttributeValues: { ':tx': tx.id },
        },
      },
      { Put: { TableName, Item: contractToItem(plan.contract), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName, Item: allocationToItem(plan.allocation), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...this.replacementItems(plan),
    ]
    try {
      await transactWrite(this.table, items)
    } catch (error) {
      if (error instanceof ConditionsFailed) throw new ContentionError('transaction or pool changed during purchase', { cause: error })
      throw error
    }
  }

  async commitUndo(plan: UndoPlan): Promise<void> {
    const TableName = this.table.tableName
    const tx = plan.transaction
    const at = plan.at.toISOString()
    const items: TransactItems = [
      {
        Update: {
          TableName,
          Key: key.transaction(tx.id),
          UpdateExpression: 'SET #status = :released, releasedAt = :at, #version = #version + :one',
          ConditionExpression: '#status = :purchased AND #version = :version',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ':released': 'released', ':purchased': 'purchased', ':at': at, ':one': 1, ':version': tx.version },
        },
      },
    ]
    if (tx.contractId) items.push(releaseContractItem(TableName, tx.contractId, at))
    if (tx.allocationId) {
      items.push({
        Update: {
          TableName,
          Key: key.allocation(tx.allocationId),
          UpdateExpression: 'SET #status = :released, updatedAt = :at, gsi1pk = :index',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':released': 'released', ':at': at, ':index': index.allocations('released') },
        },
      })
    }
    const { pool, replacement } = plan
    if (pool) {
      const back = poolAdjustment(tx.hold, 1)
      const sets = [...back.sets, '#version = #version + :one', ...(replacement ? ['currentFlavourId = :next'] : [])]
      items.push({
        Update: {
          TableName,
          Key: key.pool(pool.id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#version = :poolVersion',
          ExpressionAttributeNames: { ...back.names, '#version': 'version' },
          ExpressionAttributeValues: { ...back.values, ':one': 1, ':poolVersion': pool.version, ...(replacement ? { ':next': replacement.restored.id } : {}) },
        },
      })
      if (replacement?.retiredFlavourId) {
        items.push(this.retire(replacement.retiredFlavourId))
      }
      if (replacement) items.push({ Put: { TableName, Item: flavourToItem(replacement.restored, pool.id), ConditionExpression: 'attribute_not_exists(pk)' } })
    }
    try {
      await transactWrite(this.table, items)
    } catch (error) {
      if (error instanceof ConditionsFailed) throw new ContentionError('transaction or pool changed while undoing a sale', { cause: error })
      throw error
    }
  }
}

/** Marks a contract released (tear-down); it must exist. */
export const releaseContractItem = (TableName: string, contractId: string, at: string): TransactItems[number] => ({
  Update: {
    TableName,
    Key: key.contract(contractId),
    UpdateExpression: 'SET #status = :released, releasedAt = :at',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':released': 'released', ':at': at },
  },
})
