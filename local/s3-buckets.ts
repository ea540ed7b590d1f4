import { BucketAlreadyOwnedByYou, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import type { S3Config } from '../functions/listing-index.ts'

/** Creates `bucket` on the local S3 emulator unless it is there already. */
export async function ensureBucket(s3: S3Config & { endpoint: string }, bucket: string): Promise<void> {
  const client = new S3Client({ ...s3, forcePathStyle: true })
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }))
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou) && (error as { name?: string }).name !== 'BucketAlreadyExists') throw error
  } finally {
    client.destroy()
  }
}
