import { lambdaParticipant } from '../lambda/environment.ts'
import { withInvocationLogger } from '../lambda/invocation.ts'
import { compactListings } from '../listing-index.ts'

const { app, listingIndexes } = lambdaParticipant()

/** Cron: writes each listing index (a node's own flavours, an aggregator's publications), caught up with the change log, as the snapshot cold functions start from. */
export const handler = withInvocationLogger({ logger: app.logger, listingIndexes }, async ({ logger, listingIndexes: listings }) => {
  if (!listings.some((deps) => deps.snapshots)) return { skipped: 'INDEX_SNAPSHOT_BUCKET is not set' }
  return { listings: await compactListings(listings.map((deps) => ({ ...deps, logger }))) }
})
