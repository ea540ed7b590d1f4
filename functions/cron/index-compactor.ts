import { compactIndex } from '../../core/catalog/indexed-listing.ts'
import { lambdaParticipant } from '../lambda/environment.ts'
import { withInvocationLogger } from '../lambda/invocation.ts'

const { app, listingIndex } = lambdaParticipant()

/** Cron (nodes): writes the listing index, caught up with the change log, as the snapshot cold functions start from. */
export const handler = withInvocationLogger({ logger: app.logger, listingIndex }, async ({ logger, listingIndex: index }) => {
  if (!index?.snapshots) return { skipped: 'INDEX_SNAPSHOT_BUCKET is not set' }
  return compactIndex({ ...index, logger, snapshots: index.snapshots })
})
