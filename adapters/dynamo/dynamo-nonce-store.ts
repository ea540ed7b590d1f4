import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import type { NonceStore } from '../../core/security/ports.ts'
import type { TableContext } from './document-client.ts'
import { TTL_ATTRIBUTE } from './table-schema.ts'

/**
 * Seen signature nonces as `NONCE#<keyid>#<nonce>` items, claimed with a conditional put; DynamoDB's
 * TTL removes them after `until`. An item still there past `until` (TTL is lazy) may be claimed again.
 */
export class DynamoNonceStore implements NonceStore {
  constructor(
    private readonly table: TableContext,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claim(keyId: string, nonce: string, until: Date): Promise<boolean> {
    const expireAt = Math.ceil(until.getTime() / 1000)
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { pk: `NONCE#${keyId}#${nonce}`, sk: 'META', kind: 'nonce', [TTL_ATTRIBUTE]: expireAt },
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': Math.floor(this.now().getTime() / 1000) },
        }),
      )
      return true
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') return false
      throw error
    }
  }
}
