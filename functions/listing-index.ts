import type { IndexDeps, IndexSnapshots } from '../core/catalog/indexed-listing.ts'
import type { Clock, Logger } from '../core/shared/ports.ts'
import type { TableContext } from '../adapters/dynamo/document-client.ts'
import { DynamoIndexChangeLog, INDEX_LOG_RETENTION_MS } from '../adapters/dynamo/index-change-log.ts'
import { OwnFlavourRows } from '../adapters/dynamo/own-flavour-rows.ts'
import type { SnapshotLocation } from '../adapters/s3/s3-index-snapshots.ts'
import { S3IndexSnapshots } from '../adapters/s3/s3-index-snapshots.ts'
import type { ParticipantConfig } from './config.ts'

/** Where S3 is reached (an emulator endpoint and credentials in local mode and tests). */
export type S3Config = Omit<SnapshotLocation, 'bucket' | 'key'>

/** The S3 object a participant's snapshot of one listing lives in, when `INDEX_SNAPSHOT_BUCKET` is set. */
export function snapshotStore(config: ParticipantConfig, listing: 'own', s3?: S3Config): IndexSnapshots | undefined {
  const bucket = config.listingIndex.snapshotBucket
  if (!bucket) return undefined
  const endpoint = s3?.endpoint ?? config.listingIndex.s3Endpoint
  return new S3IndexSnapshots({ ...s3, bucket, key: `${config.id}/${listing}.index`, ...(endpoint ? { endpoint } : {}), ...(s3?.region || config.region ? { region: s3?.region ?? config.region } : {}) })
}

/** What a node's own-listing index runs on: the change log and pools on its table, snapshots on S3 when configured. */
export function ownListingDeps(config: ParticipantConfig, table: TableContext, services: { clock: Clock; logger: Logger; s3?: S3Config }): IndexDeps {
  const snapshots = snapshotStore(config, 'own', services.s3)
  return {
    log: new DynamoIndexChangeLog(table, 'own'),
    rows: new OwnFlavourRows(table),
    ...(snapshots ? { snapshots } : {}),
    clock: services.clock,
    logger: services.logger,
    settings: { lagMs: config.listingIndex.lagMs, retentionMs: INDEX_LOG_RETENTION_MS },
  }
}
