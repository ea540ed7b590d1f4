import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { SupportedFlavourType } from '../../core/flavours/model.ts'
import { SUPPORTED_FLAVOUR_TYPES } from '../../core/flavours/model.ts'
import type { PendingPublication, RemoteFlavour } from '../../core/discovery/model.ts'
import { providerKey } from '../../core/discovery/model.ts'
import type { PublishedFlavourRepository } from '../../core/discovery/ports.ts'
import { flavourToWire } from '../../core/wire/flavour-codec.ts'
import type { TableContext } from './document-client.ts'
import { flavourFromWireText } from './item-mappers.ts'
import { changeLogItem } from './index-change-log.ts'
import type { RemoteKind } from './table-schema.ts'
import { GSI1, TTL_ATTRIBUTE, index, key } from './table-schema.ts'
import { queryIndexPartition } from './query-index.ts'

const BATCH = 24

const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size))

const pendingKey = (publisherId: string) => ({ ...key.publisherSet(publisherId), sk: 'PENDING' })

/** One entry per (provider, flavour), the latest seen: BatchWriteItem refuses a request naming one key twice. */
function latestPerProvider(entries: readonly RemoteFlavour[]): RemoteFlavour[] {
  const latest = new Map<string, RemoteFlavour>()
  for (const entry of entries) {
    const kept = latest.get(providerKey(entry.flavour))
    if (!kept || kept.seenAt <= entry.seenAt) latest.set(providerKey(entry.flavour), entry)
  }
  return [...latest.values()]
}

/**
 * Peering Candidates or published flavours on DynamoDB, one item per (provider, flavour). Freshness
 * is checked in code against `expiresAt`; the TTL attribute only lets DynamoDB clean up a day later.
 */
export class DynamoRemoteFlavourRepository implements PublishedFlavourRepository {
  constructor(
    private readonly table: TableContext,
    private readonly kind: RemoteKind,
  ) {}

  private toItem(entry: RemoteFlavour) {
    const providerKeyValue = providerKey(entry.flavour)
    return {
      ...key.remoteFlavour(this.kind, providerKeyValue),
      kind: this.kind === 'CAND' ? 'candidate' : 'published',
      wire: JSON.stringify(flavourToWire(entry.flavour)),
      route: entry.route,
      seenAt: entry.seenAt.toISOString(),
      expiresAt: entry.expiresAt.toISOString(),
      ...(entry.learntIn
        ? { learntSelector: entry.learntIn.selector, learntAt: entry.learntIn.at.toISOString(), learntResults: entry.learntIn.results, learntHops: entry.learntIn.hops, learntSkipped: entry.learntIn.skipped }
        : {}),
      [TTL_ATTRIBUTE]: Math.floor(entry.expiresAt.getTime() / 1000) + 86_400,
      gsi1pk: index.remoteFlavours(this.kind, entry.flavour.spec.type),
      gsi1sk: providerKeyValue,
    }
  }

  private fromItem(item: Record<string, unknown>): RemoteFlavour {
    return {
      flavour: flavourFromWireText(item.wire as string),
      route: item.route as string[],
      seenAt: new Date(item.seenAt as string),
      expiresAt: new Date(item.expiresAt as string),
      ...(typeof item.learntSelector === 'string'
        ? {
            learntIn: {
              selector: item.learntSelector,
              at: new Date(item.learntAt as string),
              results: Number(item.learntResults),
              hops: Number(item.learntHops ?? 0),
              skipped: (item.learntSkipped as string[] | undefined) ?? [],
            },
          }
        : {}),
    }
  }

  /** Each published entry written or deleted, with the change-log entry that tells warm listing indexes (in the same batch). */
  private withChangeLog(requests: Record<string, unknown>[]): Record<string, unknown>[][] {
    if (this.kind !== 'PUB') return chunks(requests, BATCH)
    const changed = (request: Record<string, unknown>) => {
      const pk = ((request.PutRequest as { Item?: { pk?: string } } | undefined)?.Item?.pk ?? (request.DeleteRequest as { Key?: { pk?: string } } | undefined)?.Key?.pk) as string
      return { PutRequest: { Item: changeLogItem(this.table, 'pub', pk.slice('PUB#'.length)) } }
    }
    return chunks(requests, BATCH / 2).map((batch) => [...batch, ...batch.map(changed)])
  }

  private async writeBatches(requests: Record<string, unknown>[]): Promise<void> {
    for (const batch of this.withChangeLog(requests)) {
      let pending: Record<string, unknown>[] | undefined = batch
      for (let attempt = 0; pending?.length; attempt++) {
        const { UnprocessedItems } = await this.table.client.send(new BatchWriteCommand({ RequestItems: { [this.table.tableName]: pending } }))
        pending = UnprocessedItems?.[this.table.tableName] as Record<string, unknown>[] | undefined
        if (pending?.length) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)))
      }
    }
  }

  async put(entries: readonly RemoteFlavour[]): Promise<void> {
    await this.writeBatches(latestPerProvider(entries).map((entry) => ({ PutRequest: { Item: this.toItem(entry) } })))
  }

  private async listAll(type: SupportedFlavourType): Promise<RemoteFlavour[]> {
    const items = await queryIndexPartition(this.table, index.remoteFlavours(this.kind, type))
    return items.map((item) => this.fromItem(item))
  }

  async listFresh(type: SupportedFlavourType, now: Date): Promise<RemoteFlavour[]> {
    return (await this.listAll(type)).filter((entry) => entry.expiresAt > now)
  }

  async page(type: SupportedFlavourType, options: { limit: number; after?: string }): Promise<RemoteFlavour[]> {
    const partition = index.remoteFlavours(this.kind, type)
    const { Items } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: GSI1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': GSI1.partition },
        ExpressionAttributeValues: { ':pk': partition },
        Limit: options.limit,
        ...(options.after === undefined
          ? {}
          : { ExclusiveStartKey: { ...key.remoteFlavour(this.kind, options.after), [GSI1.partition]: partition, [GSI1.sort]: options.after } }),
      }),
    )
    return (Items ?? []).map((item) => this.fromItem(item))
  }

  async removeStale(now: Date): Promise<number> {
    const stale = (await Promise.all(SUPPORTED_FLAVOUR_TYPES.map((t) => this.listAll(t)))).flat().filter((e) => e.expiresAt <= now)
    await this.writeBatches(stale.map((entry) => ({ DeleteRequest: { Key: key.remoteFlavour(this.kind, providerKey(entry.flavour)) } })))
    return stale.length
  }

  async forget(providerId: string, flavourId: string): Promise<void> {
    await this.writeBatches([{ DeleteRequest: { Key: key.remoteFlavour(this.kind, `${providerId}#${flavourId}`) } }])
  }

  /** The publisher's set is remembered as a manifest of keys, so replacing it never scans the others. */
  async replaceSet(publisherId: string, entries: readonly RemoteFlavour[], earlier: readonly string[] = []): Promise<{ withdrawn: number }> {
    const manifestKey = key.publisherSet(publisherId)
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: manifestKey, ConsistentRead: true }))
    const keep = new Set([...earlier, ...entries.map((e) => providerKey(e.flavour))])
    const gone = ((Item?.keys as string[] | undefined) ?? []).filter((k) => !keep.has(k))
    await this.put(entries)
    await this.writeBatches(gone.map((k) => ({ DeleteRequest: { Key: key.remoteFlavour(this.kind, k) } })))
    await this.table.client.send(new PutCommand({ TableName: this.table.tableName, Item: { ...manifestKey, kind: 'publisher-set', keys: [...keep] } }))
    await this.table.client.send(new DeleteCommand({ TableName: this.table.tableName, Key: pendingKey(publisherId) }))
    return { withdrawn: gone.length }
  }

  async pendingPublication(publisherId: string): Promise<PendingPublication | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: pendingKey(publisherId), ConsistentRead: true }))
    if (!Item) return undefined
    return { publication: Item.publication as string, count: Number(Item.count), received: Number(Item.received), keys: (Item.keys as string[] | undefined) ?? [] }
  }

  /**
   * The publication in progress sits beside the publisher's manifest, so the two key lists never share
   * one item's 400 KB; one cut short is cleaned up by DynamoDB's TTL a day later, or replaced by the next.
   */
  async putPart(publisherId: string, entries: readonly RemoteFlavour[], pending: PendingPublication): Promise<void> {
    await this.put(entries)
    await this.table.client.send(new PutCommand({ TableName: this.table.tableName, Item: { ...pendingKey(publisherId), kind: 'pending-publication', ...pending, [TTL_ATTRIBUTE]: Math.floor(Date.now() / 1000) + 86_400 } }))
  }
}
