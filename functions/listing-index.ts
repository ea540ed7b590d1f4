import type { IndexDeps, IndexSnapshots, WarmIndex } from '../core/catalog/indexed-listing.ts'
import { compactIndex } from '../core/catalog/indexed-listing.ts'
import type { IndexRow } from '../core/catalog/flavour-index.ts'
import type { LocalListing, LocalListings } from '../core/discovery/local-listings.ts'
import type { RemoteFlavour } from '../core/discovery/model.ts'
import type { Flavour } from '../core/flavours/model.ts'
import { PublishedFlavourRows, publishedFromPayload } from '../adapters/dynamo/published-flavour-rows.ts'
import type { Clock, Logger } from '../core/shared/ports.ts'
import type { TableContext } from '../adapters/dynamo/document-client.ts'
import { DynamoIndexChangeLog, INDEX_LOG_RETENTION_MS } from '../adapters/dynamo/index-change-log.ts'
import { OwnFlavourRows, ownFromPayload } from '../adapters/dynamo/own-flavour-rows.ts'
import type { SnapshotLocation } from '../adapters/s3/s3-index-snapshots.ts'
import { S3IndexSnapshots } from '../adapters/s3/s3-index-snapshots.ts'
import type { ParticipantConfig } from './config.ts'

/** `INDEX_LOG_LAG_MS` unless configured. */
export const INDEX_LOG_LAG_DEFAULT_MS = 5000

/** A node's own flavours, or the flavours published to a supernode or catalog. */
export type ListingName = 'own' | 'pub'

/** Where S3 is reached (an emulator endpoint and credentials in local mode and tests). */
export type S3Config = Omit<SnapshotLocation, 'bucket' | 'key'>

/** The S3 object a participant's snapshot of one listing lives in, when `INDEX_SNAPSHOT_BUCKET` is set. */
export function snapshotStore(config: ParticipantConfig, listing: ListingName, s3?: S3Config): IndexSnapshots | undefined {
  const bucket = config.listingIndex.snapshotBucket
  if (!bucket) return undefined
  const endpoint = s3?.endpoint ?? config.listingIndex.s3Endpoint
  return new S3IndexSnapshots({ ...s3, bucket, key: `${config.id}/${listing}.index`, ...(endpoint ? { endpoint } : {}), ...(s3?.region || config.region ? { region: s3?.region ?? config.region } : {}) })
}

/**
 * What a participant's listing index runs on: the change log and rows on its table (a node's pools, or
 * what was published to an aggregator, counted per publisher), snapshots on S3 when configured.
 */
export function listingDeps(
  listing: ListingName,
  config: ParticipantConfig,
  table: TableContext,
  services: { clock: Clock; logger: Logger; s3?: S3Config; snapshots?: Partial<Record<ListingName, IndexSnapshots>> },
): IndexDeps {
  const snapshots = services.snapshots?.[listing] ?? snapshotStore(config, listing, services.s3)
  return {
    log: new DynamoIndexChangeLog(table, listing),
    rows: listing === 'own' ? new OwnFlavourRows(table) : new PublishedFlavourRows(table),
    ...(listing === 'pub' ? { groupOf: (key: string) => key.slice(0, key.indexOf('#')) } : {}),
    ...(snapshots ? { snapshots } : {}),
    clock: services.clock,
    logger: services.logger.child({ listing }),
    settings: { lagMs: config.listingIndex.lagMs, retentionMs: INDEX_LOG_RETENTION_MS },
  }
}

/** `keyed`: rows are keyed as results are ordered (by provider key), so a cursor's key applies; else it stands after its (price, id). */
function pagedListing<T>(warm: WarmIndex, decode: (row: IndexRow) => T, keyed: boolean): LocalListing<T> {
  return {
    async page(selector, page) {
      const { index } = await warm.fresh()
      const after = page.after && (keyed ? page.after : { price: page.after.price, id: page.after.id })
      const found = index.query(selector, { limit: page.limit, ...(after ? { after } : {}) })
      return { items: found.rows.map(decode), more: found.next !== undefined }
    },
  }
}

/** Discovery's view of the warm indexes: pages of own flavours (from their wire JSON) and of published entries. */
export function localListings(indexes: { own?: WarmIndex; pub?: WarmIndex }): LocalListings {
  const pub = indexes.pub
  return {
    ...(indexes.own ? { own: pagedListing<Flavour>(indexes.own, (row) => ownFromPayload(row.payload), false) } : {}),
    ...(pub
      ? {
          published: {
            ...pagedListing<RemoteFlavour>(pub, (row) => publishedFromPayload(row.payload), true),
            publishers: async () => new Set((await pub.latest()).groups.keys()),
          },
        }
      : {}),
  }
}

/** The index compactor: each listing with a snapshot store, caught up and written for cold starts. */
export async function compactListings(listings: readonly IndexDeps[]): Promise<{ rows: number; bytes: number }[]> {
  const stored = listings.filter((deps): deps is IndexDeps & { snapshots: IndexSnapshots } => deps.snapshots !== undefined)
  return Promise.all(stored.map((deps) => compactIndex(deps)))
}
