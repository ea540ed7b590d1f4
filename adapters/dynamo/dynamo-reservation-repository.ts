import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { ResourceAmounts } from '../../core/quantity/units.ts'
import { LEDGER_RESOURCES } from '../../core/quantity/units.ts'
import { ContentionError } from '../../core/shared/errors.ts'
import type { Transaction } from '../../core/reservations/model.ts'
import type { ReservationRepository } from '../../core/reservations/ports.ts'
import { CapacityUnavailableError, FlavourGoneError, ReservationKeyTakenError } from '../../core/reservations/errors.ts'
import type { TableContext } from './document-client.ts'
import { freeAttribute, holdIndexKey, poolFromItem, transactionFromItem, transactionToItem } from './item-mappers.ts'
import { GSI1, index, key } from './table-schema.ts'
import { ConditionsFailed, transactWrite } from './transact.ts'
import type { TransactItems } from './transact.ts'

/**
 * `SET free_x = free_x + :x` for every resource, guarded by `free_x >= :x` where capacity is taken.
 * DynamoDB conditions cannot do arithmetic, so the pool stores free capacity rather than totals.
 */
export function poolAdjustment(delta: ResourceAmounts, sign: 1 | -1) {
  const names: Record<string, string> = {}
  const values: Record<string, number> = {}
  const sets: string[] = []
  const guards: string[] = []
  for (const resource of LEDGER_RESOURCES) {
    const amount = delta[resource]
    if (!amount) continue
    names[`#${resource}`] = freeAttribute(resource)
    values[`:${resource}`] = sign * amount
    sets.push(`#${resource} = #${resource} + :${resource}`)
    if (sign * amount < 0) {
      values[`:${resource}Need`] = -sign * amount
      guards.push(`#${resource} >= :${resource}Need`)
    }
  }
  return { names, values, sets, guards }
}

/** Provider reservations on DynamoDB; a reserved transaction item is itself the hold (indexed by expiry). */
export class DynamoReservationRepository implements ReservationRepository {
  constructor(private readonly table: TableContext) {}

  private get name() {
    return this.table.tableName
  }

  /** The pool's share of a transaction: its free capacity moved by `sign × delta`, guarded where taken; none when nothing moves. */
  private poolUpdate(poolId: string, delta: ResourceAmounts, sign: 1 | -1): TransactItems[number] | undefined {
    const change = poolAdjustment(delta, sign)
    if (!change.sets.length) return undefined
    return {
      Update: {
        TableName: this.name,
        Key: key.pool(poolId),
        UpdateExpression: `SET ${change.sets.join(', ')}`,
        ...(change.guards.length ? { ConditionExpression: change.guards.join(' AND ') } : {}),
        ExpressionAttributeNames: change.names,
        ExpressionAttributeValues: change.values,
      },
    }
  }

  async getTransaction(id: string): Promise<Transaction | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.name, Key: key.transaction(id), ConsistentRead: true }))
    return Item ? transactionFromItem(Item) : undefined
  }

  async findByBuyer(reservationKey: string, flavourId: string): Promise<Transaction | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.name, Key: key.buyerKey(reservationKey, flavourId), ConsistentRead: true }),
    )
    return Item ? this.getTransaction(Item.txId as string) : undefined
  }

  async createHold(tx: Transaction): Promise<void> {
    const take = poolAdjustment(tx.hold, -1)
    try {
      await transactWrite(this.table, [
        {
          Update: {
            TableName: this.name,
            Key: key.pool(tx.poolId),
            UpdateExpression: `SET ${[...take.sets, '#version = #version + :one'].join(', ')}`,
            ConditionExpression: ['#current = :flavourId', ...take.guards].join(' AND '),
            ExpressionAttributeNames: { ...take.names, '#version': 'version', '#current': 'currentFlavourId' },
            ExpressionAttributeValues: { ...take.values, ':one': 1, ':flavourId': tx.flavourId },
          },
        },
        { Put: { TableName: this.name, Item: transactionToItem(tx), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: this.name,
            Item: { ...key.buyerKey(tx.reservationKey, tx.flavourId), kind: 'buyer-key', txId: tx.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ])
    } catch (error) {
      if (!(error instanceof ConditionsFailed)) throw error
      if (error.at(2)) throw new ReservationKeyTakenError(tx.reservationKey, tx.flavourId)
      if (error.at(1)) throw new ContentionError('transaction id collision', { cause: error })
      throw (await this.flavourIsCurrent(tx)) ? new CapacityUnavailableError(tx.flavourId) : new FlavourGoneError(tx.flavourId)
    }
  }

  private async flavourIsCurrent(tx: Transaction): Promise<boolean> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.name, Key: key.pool(tx.poolId), ConsistentRead: true }))
    return Item !== undefined && poolFromItem(Item).currentFlavourId === tx.flavourId
  }

  async updateHold(previous: Transaction, next: Transaction): Promise<void> {
    const delta = Object.fromEntries(LEDGER_RESOURCES.map((r) => [r, next.hold[r] - previous.hold[r]])) as ResourceAmounts
    const items: TransactItems = [
      {
        Put: {
          TableName: this.name,
          Item: transactionToItem(next),
          ConditionExpression: '#version = :version AND #status = :reserved',
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: { ':version': previous.version, ':reserved': 'reserved' },
        },
      },
    ]
    const pool = this.poolUpdate(previous.poolId, delta, -1)
    if (pool) items.push(pool)
    try {
      await transactWrite(this.table, items)
    } catch (error) {
      if (!(error instanceof ConditionsFailed)) throw error
      if (error.at(0)) throw new ContentionError('transaction changed concurrently', { cause: error })
      throw new CapacityUnavailableError(previous.flavourId)
    }
  }

  async extendHold(tx: Transaction, expiresAt: Date): Promise<void> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.name,
          Key: key.transaction(tx.id),
          UpdateExpression: 'SET expiresAt = :at, gsi1sk = :sk',
          ConditionExpression: '#status = :reserved',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': expiresAt.toISOString(), ':sk': holdIndexKey({ ...tx, expiresAt }).gsi1sk, ':reserved': 'reserved' },
        }),
      )
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ContentionError('transaction left the reserved state', { cause: error })
      throw error
    }
  }

  async releaseHold(tx: Transaction, status: 'expired' | 'released', at: Date): Promise<boolean> {
    const current = await this.getTransaction(tx.id)
    if (!current || current.status !== 'reserved') return false
    const items: TransactItems = [
      {
        Update: {
          TableName: this.name,
          Key: key.transaction(current.id),
          UpdateExpression: 'SET #status = :status, #version = #version + :one, releasedAt = :at REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#status = :reserved AND #version = :version',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ':status': status, ':reserved': 'reserved', ':one': 1, ':at': at.toISOString(), ':version': current.version },
        },
      },
      {
        Delete: {
          TableName: this.name,
          Key: key.buyerKey(current.reservationKey, current.flavourId),
          ConditionExpression: 'attribute_not_exists(pk) OR txId = :tx',
          ExpressionAttributeValues: { ':tx': current.id },
        },
      },
    ]
    const pool = this.poolUpdate(current.poolId, current.hold, 1)
    if (pool) items.push(pool)
    try {
      await transactWrite(this.table, items)
      return true
    } catch (error) {
      if (error instanceof ConditionsFailed && error.at(0)) return this.releaseHold(tx, status, at)
      throw error
    }
  }

  async listExpired(now: Date, options: { limit: number; poolId?: string }): Promise<Transaction[]> {
    const found: Transaction[] = []
    let startKey: Record<string, unknown> | undefined
    do {
      const page = await this.table.client.send(
        new QueryCommand({
          TableName: this.name,
          IndexName: GSI1.name,
          KeyConditionExpression: '#pk = :pk AND #sk <= :now',
          ExpressionAttributeNames: { '#pk': GSI1.partition, '#sk': GSI1.sort, ...(options.poolId ? { '#pool': 'poolId' } : {}) },
          ExpressionAttributeValues: { ':pk': index.liveHolds, ':now': `${now.toISOString()}#~`, ...(options.poolId ? { ':pool': options.poolId } : {}) },
          ...(options.poolId ? { FilterExpression: '#pool = :pool' } : {}),
          Limit: options.limit,
          ExclusiveStartKey: startKey,
        }),
      )
      for (const item of page.Items ?? []) found.push(transactionFromItem(item))
      startKey = page.LastEvaluatedKey
    } while (startKey && found.length < options.limit)
    return found.slice(0, options.limit)
  }
}

