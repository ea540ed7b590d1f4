import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import type { S3ClientConfig } from '@aws-sdk/client-s3'
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

/** The compactor's index snapshot as one S3 object: written whole, read whole at a cold start. */
export class S3IndexSnapshots implements IndexSnapshots {
  private readonly client: S3Client

  constructor(private readonly location: SnapshotLocation) {
    this.client = new S3Client({
      ...(location.endpoint ? { endpoint: location.endpoint, forcePathStyle: true } : {}),
      ...(location.region ? { region: location.region } : {}),
      ...(location.credentials ? { credentials: location.credentials } : {}),
    })
  }

  async read(): Promise<Uint8Array | undefined> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.location.key }))
      return Body ? await Body.transformToByteArray() : undefined
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined
      throw error
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: this.location.key, Body: bytes, ContentType: 'application/octet-stream' }))
  }
}
