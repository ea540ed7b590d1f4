import type * as S3 from '@aws-sdk/client-s3'
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3'
import type { IndexSnapshots } from '../../core/catalog/indexed-listing.ts'

export interface SnapshotLocation {
  bucket: string
  /** The object key, e.g. `<participant>/own.index`. */
  key: string
  /** An emulator endpoint (fauxqs) in local mode and tests; path-style addressing is used there. */
  endpoint?: string
  region?: string
  credentials?: S3ClientConfig['credentials']
}

/**
 * The compactor's index snapshot as one S3 object: written whole, read whole at a cold start. The S3
 * client is imported on first use, so functions that never touch a snapshot do not load it at init.
 */
export class S3IndexSnapshots implements IndexSnapshots {
  private s3: Promise<{ client: S3Client; sdk: typeof S3 }> | undefined

  constructor(private readonly location: SnapshotLocation) {}

  private connect() {
    this.s3 ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        ...(this.location.endpoint ? { endpoint: this.location.endpoint, forcePathStyle: true } : {}),
        ...(this.location.region ? { region: this.location.region } : {}),
        ...(this.location.credentials ? { credentials: this.location.credentials } : {}),
      }),
    }))
    return this.s3
  }

  async read(): Promise<Uint8Array | undefined> {
    const { client, sdk } = await this.connect()
    try {
      const { Body } = await client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: this.location.key }))
      return Body ? await Body.transformToByteArray() : undefined
    } catch (error) {
      if (error instanceof sdk.NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined
      throw error
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    const { client, sdk } = await this.connect()
    await client.send(new sdk.PutObjectCommand({ Bucket: this.location.bucket, Key: this.location.key, Body: bytes, ContentType: 'application/octet-stream' }))
  }
}
