import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { ContentionError, ValidationError } from '../../core/shared/errors.ts'
import type { Intent } from '../../core/intents/model.ts'
import type { IntentRepository } from '../../core/intents/ports.ts'
import { intentFromStored, intentToStored } from '../../core/wire/intent-codec.ts'
import type { TableContext } from './document-client.ts'
import { GSI1 } from './table-schema.ts'
import { ConditionsFailed, transactWrite } from './transact.ts'

/** Intent items: the intent itself, and the replay record of the webhook delivery that created it. */
const intentKey = (id: string) => ({ pk: `INTENT#${id}`, sk: 'META' })
const webhookKey = (webhookId: string) => ({ pk: `WEBHOOK#${webhookId}`, sk: 'META' })
/** Every intent sits in one `gsi1` partition sorted by `<createdAt>#<id>`: read backwards, newest first. */
const INTENTS_INDEX = 'INTENTS'
const listKey = (intent: Pick<Intent, 'createdAt' | 'id'>) => `${intent.createdAt.toISOString()}#${intent.id}`

const encodeCursor = (sortKey: string) => Buffer.from(sortKey).toString('base64url')
function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString()
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z#[A-Za-z0-9._:@+=~-]+$/.test(text)) throw new ValidationError('Query parameter cursor: not a cursor this listing gave', { code: 'INVALID_PARAMETER', details: { parameter: 'cursor' } })
  return text
}

/**
 * Intents on DynamoDB (`INTENT#<id>`), created in one transaction with their `WEBHOOK#<webhook id>`
 * item so a replayed delivery finds its intent and writes nothing; saved conditionally on version;
 * listed newest first from the table's one index (`gsi1` partition `INTENTS`).
 */
export class DynamoIntentRepository implements IntentRepository {
  constructor(private readonly table: TableContext) {}

  private item(intent: Intent) {
    return {
      ...intentKey(intent.id),
      kind: 'intent',
      phase: intent.phase,
      version: intent.version,
      [GSI1.partition]: INTENTS_INDEX,
      [GSI1.sort]: listKey(intent),
      intent: JSON.stringify(intentToStored(intent)),
    }
  }

  async create(intent: Intent): Promise<{ intent: Intent; created: boolean }> {
    const TableName = this.table.tableName
    const fresh = { ...intent, version: 0 }
    try {
      await transactWrite(this.table, [
        { Put: { TableName, Item: { ...webhookKey(intent.webhookId), kind: 'intent-webhook', intentId: intent.id, at: intent.createdAt.toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName, Item: this.item(fresh), ConditionExpression: 'attribute_not_exists(pk)' } },
      ])
      return { intent: fresh, created: true }
    } catch (error) {
      if (!(error instanceof ConditionsFailed) || !error.at(0)) throw error
      const { Item } = await this.table.client.send(new GetCommand({ TableName, Key: webhookKey(intent.webhookId), ConsistentRead: true }))
      const existing = Item && (await this.get(Item.intentId as string))
      if (!existing) throw new ContentionError(`webhook ${intent.webhookId} is being recorded`, { cause: error })
      return { intent: existing, created: false }
    }
  }

  async get(id: string): Promise<Intent | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: intentKey(id), ConsistentRead: true }))
    return Item ? intentFromStored(JSON.parse(Item.intent as string)) : undefined
  }

  async list(limit: number, cursor?: string): Promise<{ intents: Intent[]; next?: string }> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor)
    const { Items: items = [], LastEvaluatedKey } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: GSI1.name,
        KeyConditionExpression: after ? '#pk = :pk AND #sk < :after' : '#pk = :pk',
        ExpressionAttributeNames: after ? { '#pk': GSI1.partition, '#sk': GSI1.sort } : { '#pk': GSI1.partition },
        ExpressionAttributeValues: { ':pk': INTENTS_INDEX, ...(after ? { ':after': after } : {}) },
        ScanIndexForward: false,
        Limit: limit + 1,
      }),
    )
    const page = items.slice(0, limit)
    const more = items.length > limit || (LastEvaluatedKey !== undefined && page.length > 0)
    const last = page.at(-1)
    return { intents: page.map((item) => intentFromStored(JSON.parse(item.intent as string))), ...(more && last ? { next: encodeCursor(last[GSI1.sort] as string) } : {}) }
  }

  async save(intent: Intent, expectedVersion: number): Promise<void> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: this.item(intent),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      )
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ContentionError(`intent ${intent.id} changed concurrently`, { cause: error })
      throw error
    }
  }
}
