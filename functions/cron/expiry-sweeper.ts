import { createTableContext } from '../../adapters/dynamo/document-client.ts'
import { releaseExpiredHolds } from '../../core/reservations/release-expired-holds.ts'
import { composeParticipant } from '../composition.ts'
import { lambdaConfig } from '../lambda/environment.ts'

const config = lambdaConfig()
const { sweep } = composeParticipant(config, { table: createTableContext({ tableName: config.tableName }) })

/** Cron: gives the capacity of expired reservations back to their pools. */
export async function handler(): Promise<{ released: number }> {
  const released = await releaseExpiredHolds(sweep)
  sweep.logger.info('EXPIRY_SWEEP_DONE', { released })
  return { released }
}
