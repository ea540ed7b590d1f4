import { lambdaParticipant } from '../lambda/environment.ts'
import { withInvocationLogger } from '../lambda/invocation.ts'
import { sweepParticipant } from '../sweep-participant.ts'

const { sweep } = lambdaParticipant()

/** Cron: gives expired reservations' capacity back, and drops stale candidates and publications. */
export const handler = withInvocationLogger(sweep, async (deps): Promise<{ released: number; dropped: number }> => {
  const result = await sweepParticipant(deps)
  deps.logger.info('EXPIRY_SWEEP_DONE', result)
  return result
})
