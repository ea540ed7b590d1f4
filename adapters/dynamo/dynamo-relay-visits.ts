import { createHash } from 'node:crypto'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import type { RelayVisit, RelayVisits } from '../../core/discovery/ports.ts'
import type { TableContext } from './document-client.ts'
import { TTL_ATTRIBUTE } from './table-schema.ts'

/** A search key as a short sort key: a selector's text may approach DynamoDB's 1 KB sort-key limit. */
const searchSortKey = (search: string) => `SEARCH#${createHash('sha256').update(search).digest('base64url')}`

/**
 * Relays served, as `RELAY#<correlationId>` items (one per search within it), claimed with one
 * conditional put: it succeeds when no visit is held, the one held had fewer hops left, or it expired
 * (`expiresAt`, epoch ms, decides; DynamoDB's TTL only cleans up, late). Every Lambda instance of the
 * participant sees the same visits, and of two concurrent equal visits exactly one wins.
 */
export class DynamoRelayVisits implements RelayVisits {
  constructor(private readonly table: TableContext) {}

  async firstVisit(visit: RelayVisit, now: Date): Promise<boolean> {
    const expiresAt = visit.expiresAt.getTime()
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            pk: `RELAY#${visit.correlationId}`,
            sk: searchSortKey(visit.search),
            kind: 'relay-visit',
            hopsLeft: visit.hopsLeft,
            expiresAt,
            [TTL_ATTRIBUTE]: Math.ceil(expiresAt / 1000) + 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR hopsLeft < :hops OR expiresAt <= :now',
          ExpressionAttributeValues: { ':hops': visit.hopsLeft, ':now': now.getTime() },
        }),
      )
      return true
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') return false
      throw error
    }
  }
}
