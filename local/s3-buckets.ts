import type { S3Config } from '../functions/listing-index.ts'
import { S3Objects } from '../adapters/s3/s3-objects.ts'

/** Creates `bucket` on the local S3 emulator unless it is there already. */
export function ensureBucket(s3: S3Config & { endpoint: string }, bucket: string): Promise<void> {
  return new S3Objects({ ...s3, bucket }).createBucket()
}
