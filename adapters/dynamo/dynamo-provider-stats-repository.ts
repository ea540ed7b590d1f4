import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { ProviderRating, ProviderStats, ProviderStatsRepository } from '../../core/providers/ports.ts'
import { ContentionError } from '../../core/shared/errors.ts'
import type { TableContext } from './document-client.ts'
import { queryIndexPartition } from './query-index.ts'
import { GSI1 } from './table-schema.ts'
import { ConditionsFailed, transactWrite } from './transact.ts'

const statsKey = (providerId: string) => ({ pk: `PROVSTATS#${providerId}`, sk: 'META' })
const ratingKey = (providerId: string, intentId: string) => ({ pk: `PROVRATING#${providerId}#${intentId}`, sk: 'META' })
const STATS_INDEX = 'PROVSTATS'
/** Tries of a rating write that lost a race with another rating of the same intent. */
const RATING_TRIES = 5

/** What every stats update sets besides its counters: the item's identity and its place in the listing. */
const statsIdentity = (providerId: string, at: Date) => ({
  expression: 'SET #providerId = :providerId, #kind = :kind, #gpk = :gpk, #gsk = :providerId, #updatedAt = :at',
  names: { '#providerId': 'providerId', '#kind': 'kind', '#gpk': GSI1.partition, '#gsk': GSI1.sort, '#updatedAt': 'updatedAt' },
  values: { ':providerId': providerId, ':kind': 'providerStats', ':gpk': STATS_INDEX, ':at': at.toISOString() },
})

const num = (value: unknown): number => (typeof value === 'number' ? value : 0)

function statsFromItem(item: Record<string, unknown>): ProviderStats {
  const chains = num(item.chains)
  const peerings = num(item.peerings)
  const ratings = num(item.ratings)
  return {
    providerId: item.providerId as string,
    chains,
    successes: num(item.successes),
    ...(chains > 0 ? { meanAnswerMs: num(item.answerMsTotal) / chains } : {}),
    ...(peerings > 0 ? { peerings, meanPeeringMs: num(item.peeringMsTotal) / peerings } : {}),
    ratings,
    ...(ratings > 0 ? { meanRating: num(item.ratingSum) / ratings } : {}),
    updatedAt: new Date(item.updatedAt as string),
  }
}

/**
 * Provider stats on the participant table: one counter item per provider (`PROVSTATS#<provider>`,
 * listed on gsi1 `PROVSTATS`) updated with `ADD`, so concurrent chains never lose a count; sums are
 * kept, means derived on read. Each intent's rating is its own item (`PROVRATING#<provider>#<intent>`),
 * written in one transaction with the counters' change, conditional on the rating read: a second rating
 * of the same intent replaces the first and the aggregate stays exact.
 */
export class DynamoProviderStatsRepository implements ProviderStatsRepository {
  constructor(private readonly table: TableContext) {}

  async get(providerId: string): Promise<ProviderStats | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: statsKey(providerId), ConsistentRead: true }))
    return Item ? statsFromItem(Item) : undefined
  }

  async list(): Promise<ProviderStats[]> {
    const items = await queryIndexPartition(this.table, STATS_INDEX)
    return items.map(statsFromItem).sort((a, b) => (a.providerId < b.providerId ? -1 : a.providerId > b.providerId ? 1 : 0))
  }

  async recordChain(providerId: string, outcome: { success: boolean; answerMs: number; at: Date }): Promise<void> {
    await this.add(providerId, outcome.at, { chains: 1, successes: outcome.success ? 1 : 0, answerMsTotal: outcome.answerMs })
  }

  async recordPeering(providerId: string, peeringMs: number, at: Date): Promise<void> {
    await this.add(providerId, at, { peerings: 1, peeringMsTotal: peeringMs })
  }

  async getRating(providerId: string, intentId: string): Promise<ProviderRating | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: ratingKey(providerId, intentId), ConsistentRead: true }),
    )
    if (!Item) return undefined
    return { providerId, intentId, score: Item.score as number, comment: (Item.comment as string | undefined) ?? '', at: new Date(Item.at as string) }
  }

  async recordRating(providerId: string, intentId: string, score: number, comment: string, at: Date): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { Item: earlier } = await this.table.client.send(
        new GetCommand({ TableName: this.table.tableName, Key: ratingKey(providerId, intentId), ConsistentRead: true }),
      )
      const version = earlier ? num(earlier.version) : 0
      const update = this.addUpdate(providerId, at, { ratings: earlier ? 0 : 1, ratingSum: score - (earlier ? num(earlier.score) : 0) })
      try {
        await transactWrite(this.table, [
          {
            Put: {
              TableName: this.table.tableName,
              Item: { ...ratingKey(providerId, intentId), kind: 'providerRating', providerId, intentId, score, comment, at: at.toISOString(), version: version + 1 },
              ...(earlier
                ? { ConditionExpression: '#version = :version', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':version': version } }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
          { Update: update },
        ])
        return
      } catch (error) {
        const raced = error instanceof ConditionsFailed || error instanceof ContentionError
        if (!raced || attempt >= RATING_TRIES) throw raced ? new ContentionError('Concurrent ratings of one intent, retry', { cause: error }) : error
      }
    }
  }

  private async add(providerId: string, at: Date, counters: Record<string, number>): Promise<void> {
    await this.table.client.send(new UpdateCommand(this.addUpdate(providerId, at, counters)))
  }

  private addUpdate(providerId: string, at: Date, counters: Record<string, number>) {
    const identity = statsIdentity(providerId, at)
    const names: Record<string, string> = { ...identity.names }
    const values: Record<string, unknown> = { ...identity.values }
    const adds = Object.entries(counters).map(([name, value], i) => {
      names[`#c${i}`] = name
      values[`:c${i}`] = value
      return `#c${i} :c${i}`
    })
    return {
      TableName: this.table.tableName,
      Key: statsKey(providerId),
      UpdateExpression: `${identity.expression} ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }
  }
}
