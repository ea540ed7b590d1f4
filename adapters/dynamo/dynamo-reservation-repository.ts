import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { ResourceAmounts } from '../../core/quantity/units.ts'
import { LEDGER_RESOURCES } from '../../core/quantity/units.ts'
import { ContentionError } from '../../core/shared/errors.ts'
import type { Transaction } from '../../core/reservations/model.ts'
import { isLive, retryAfterEarliest } from '../../core/reservations/model.ts'
import type { HoldCap, ReservationRepository } from '../../core/reservations/ports.ts'
import { CapacityUnavailableError, FlavourGoneError, ReservationKeyTakenError, TooManyHoldsError } from '../../core/reservations/errors.ts'
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

/**
 * A buyer's hold slots: `HOLDSLOTS#<buyer>` / `SLOT#<n>` (n < the cap) naming the transaction that
 * took it. A new hold claims a free slot in its own transaction, so concurrent reserves of one buyer
 * can never together take more than the cap. A slot is free when absent or when its transaction is
 * no longer live (released, purchased or past its expiry), checked in that same transaction.
 */
export const holdSlotKey = (buyerId: string, slot: number) => ({ pk: `HOLDSLOTS#${buyerId}`, sk: `SLOT#${slot}` })

/** A stable index in [0, n) for a transaction id, so that concurrent claims spread over the free slots. */
function spread(id: string, n: number): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % n
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

  /** The buyer's slots below `max`: slot number to the transaction id it names. */
  private async slots(buyerId: string): Promise<Map<number, string>> {
    const { Items } = await this.table.client.send(
      new QueryCommand({
        TableName: this.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': holdSlotKey(buyerId, 0).pk },
        ConsistentRead: true,
      }),
    )
    return new Map((Items ?? []).map((item) => [Number((item.sk as string).slice('SLOT#'.length)), item.txId as string]))
  }

  /** The writes that claim a free slot of `tx`'s buyer; TooManyHoldsError when all `cap.max` hold live transactions. */
  private async claimSlot(tx: Transaction, cap: HoldCap): Promise<TransactItems> {
    const taken = await this.slots(tx.buyer.id)
    const occupants = await Promise.all(
      Array.from({ length: cap.max }, async (_, slot) => {
        const txId = taken.get(slot)
        return { slot, txId, holder: txId ? await this.getTransaction(txId) : undefined }
      }),
    )
    const free = occupants.filter((o) => !o.holder || !isLive(o.holder, cap.now))
    if (free.length === 0) {
      throw new TooManyHoldsError(tx.buyer.id, cap.max, retryAfterEarliest(occupants.flatMap((o) => (o.holder ? [o.holder] : [])), cap.now))
    }
    const { slot, txId, holder } = free[spread(tx.id, free.length)]!
    const claim = { ...holdSlotKey(tx.buyer.id, slot), kind: 'hold-slot', txId: tx.id }
    if (!txId) return [{ Put: { TableName: this.name, Item: claim, ConditionExpression: 'attribute_not_exists(pk)' } }]
    const items: TransactItems = [
      { Put: { TableName: this.name, Item: claim, ConditionExpression: 'txId = :stale', ExpressionAttributeValues: { ':stale': txId } } },
    ]
    if (holder) {
      items.push({
        ConditionCheck: {
          TableName: this.name,
          Key: key.transaction(holder.id),
          ConditionExpression: '#status <> :reserved OR expiresAt <= :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':reserved': 'reserved', ':now': cap.now.toISOString() },
        },
      })
    }
    return items
  }

  /** Frees the slot `tx` took, if it still names it; best effort, as a slot of a finished transaction counts as free anyway. */
  private async freeSlot(tx: Transaction): Promise<void> {
    for (const [slot, txId] of await this.slots(tx.buyer.id)) {
      if (txId !== tx.id) continue
      try {
        await this.table.client.send(
          new DeleteCommand({ TableName: this.name, Key: holdSlotKey(tx.buyer.id, slot), ConditionExpression: 'txId = :tx', ExpressionAttributeValues: { ':tx': tx.id } }),
        )
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error
      }
    }
  }

  async createHold(tx: Transaction, cap?: HoldCap): Promise<void> {
    const take = poolAdjustment(tx.hold, -1)
    const slot = cap ? await this.claimSlot(tx, cap) : []
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
        ...slot,
      ])
    } catch (error) {
      if (!(error instanceof ConditionsFailed)) throw error
      if (error.at(2)) throw new ReservationKeyTakenError(tx.reservationKey, tx.flavourId)
      if (error.at(1)) throw new ContentionError('transaction id collision', { cause: error })
      if (error.failed.some((index) => index >= 3)) throw new ContentionError('hold slot claimed concurrently', { cause: error })
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

  async extendHold(tx: Transaction, expiresAt: Date, now?: Date): Promise<void> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.name,
          Key: key.transaction(tx.id),
          UpdateExpression: 'SET expiresAt = :at, gsi1sk = :sk',
          ConditionExpression: now ? '#status = :reserved AND expiresAt > :now' : '#status = :reserved',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':at': expiresAt.toISOString(),
            ':sk': holdIndexKey({ ...tx, expiresAt }).gsi1sk,
            ':reserved': 'reserved',
            ...(now ? { ':now': now.toISOString() } : {}),
          },
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
    } catch (error) {
      if (error instanceof ConditionsFailed && error.at(0)) return this.releaseHold(tx, status, at)
      throw error
    }
    await this.freeSlot(current)
    return true
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

