import { lambdaParticipant } from '../lambda/environment.ts'
import { sweepParticipant } from '../sweep-participant.ts'

const { sweep } = lambdaParticipant()

/** Cron: gives expired reservations' capacity back, and drops stale candidates and publications. */
export async function handler(): Promise<{ released: number; dropped: number }> {
  const result = await sweepParticipant(sweep)
  sweep.logger.info('EXPIRY_SWEEP_DONE', result)
  return result
}
