import type { IndexSnapshots } from '../../core/catalog/indexed-listing.ts'
import type { S3Location } from './s3-objects.ts'
import { S3Objects } from './s3-objects.ts'

export interface SnapshotLocation extends S3Location {
  /** The object key, e.g. `<participant>/own.index`. */
  key: string
}

/** The compactor's index snapshot as one S3 object: written whole, read whole at a cold start. */
export class S3IndexSnapshots implements IndexSnapshots {
  private readonly objects: S3Objects

  constructor(private readonly location: SnapshotLocation) {
    this.objects = new S3Objects(location)
  }

  read(): Promise<Uint8Array | undefined> {
    return this.objects.get(this.location.key)
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.objects.put(this.location.key, bytes)
  }
}
