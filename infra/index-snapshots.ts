import { isProduction } from './settings'

/**
 * The listing index's snapshots: one object per participant listing, written by the compactor and read
 * whole by a cold function, so a cold start never reads the whole table (docs/architecture.md, "Listing index").
 */
export const indexSnapshots = new sst.aws.Bucket('IndexSnapshots', {
  transform: { bucket: (args) => void (args.forceDestroy = !isProduction) },
})
