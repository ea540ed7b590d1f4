import { createTableContext } from '../../adapters/dynamo/document-client.ts'
import { releaseExpiredHolds } from '../../core/reservations/release-expired-holds.ts'
import { composeParticipant } from '../composition.ts'
import { lambdaConfig } from '../lambda/environment.ts'

const config = lambdaConfig()
const { sweep } = composeParticipant(config, { table: createTableContext({ tableName: config.tableName }) })

/** Cron: gives expired reservations' capacity back, and drops stale candidates and publications. */
export async function handler(): Promise<{ released: number; dropped: number }> {
  const released = await releaseExpiredHolds(sweep)
  let dropped = 0
  for (const store of sweep.remote) dropped += await store.removeStale(sweep.clock.now())
  sweep.logger.info('EXPIRY_SWEEP_DONE', { released, dropped })
  return { released, dropped }
}
