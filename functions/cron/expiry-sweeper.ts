import { createTableContext } from '../../adapters/dynamo/document-client.ts'
import { composeParticipant } from '../composition.ts'
import { lambdaConfig } from '../lambda/environment.ts'
import { sweepParticipant } from '../sweep-participant.ts'

const config = lambdaConfig()
const { sweep } = composeParticipant(config, { table: createTableContext({ tableName: config.tableName }) })

/** Cron: gives expired reservations' capacity back, and drops stale candidates and publications. */
export async function handler(): Promise<{ released: number; dropped: number }> {
  const result = await sweepParticipant(sweep)
  sweep.logger.info('EXPIRY_SWEEP_DONE', result)
  return result
}
