import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { Clock } from '../../core/shared/ports.ts'
import type { RateDecision, RateLimit, RateLimiter } from '../../core/shared/rate-limit.ts'
import { bucketWindow, takeToken } from '../../core/shared/rate-limit.ts'
import type { TableContext } from './document-client.ts'
import { TTL_ATTRIBUTE } from './table-schema.ts'

/** One bucket per caller and route group: `RATE#<caller>#<group>`, its `tat` in epoch ms, deleted by TTL once full again. */
export const rateKey = (key: string) => ({ pk: `RATE#${key}`, sk: 'META' })

const MAX_ROUNDS = 4

/**
 * Token buckets on DynamoDB (GCRA, see `takeToken`). A busy bucket is one conditional
 * `SET tat = tat + interval` (atomic under any concurrency, no read); an idle or new one is one
 * conditional `SET tat = now + interval`. Only a refusal or a race between those two reads the bucket.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly table: TableContext,
    private readonly clock: Clock,
  ) {}

  async take(key: string, limit: RateLimit): Promise<RateDecision> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.clock.now().getTime()
      const { interval, latest } = bucketWindow(limit, now)
      const expireAt = Math.ceil((latest + interval) / 1000) + 60
      const busy = await this.update(key, 'SET tat = tat + :interval, #ttl = :ttl', 'tat BETWEEN :now AND :latest', {
        ':interval': interval,
        ':ttl': expireAt,
        ':now': now,
        ':latest': latest,
      })
      if (busy.ok) return { allowed: true }
      const tat = busy.tat ?? (await this.read(key))
      if (tat !== undefined && tat >= now) {
        const decision = takeToken(tat, limit, now)
        if (!decision.allowed) return decision
        continue
      }
      const idle = await this.update(key, 'SET tat = :next, #ttl = :ttl', 'attribute_not_exists(tat) OR tat < :now', {
        ':next': now + interval,
        ':ttl': expireAt,
        ':now': now,
      })
      if (idle.ok) return { allowed: true }
    }
    return { allowed: false, retryAfterSeconds: 1 }
  }

  /** One conditional update; on refusal, the bucket's `tat` when DynamoDB returns it. */
  private async update(key: string, expression: string, condition: string, values: Record<string, number>): Promise<{ ok: boolean; tat?: number }> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: rateKey(key),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      return { ok: true }
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error
      const tat = error.Item?.tat?.N
      return { ok: false, ...(tat !== undefined ? { tat: Number(tat) } : {}) }
    }
  }

  private async read(key: string): Promise<number | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: rateKey(key), ConsistentRead: true }))
    return typeof Item?.tat === 'number' ? Item.tat : undefined
  }
}
