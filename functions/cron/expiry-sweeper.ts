import { chainQueues } from '../lambda/chain-queues.ts'
import { lambdaParticipant } from '../lambda/environment.ts'
import { withInvocationLogger } from '../lambda/invocation.ts'
import { sweepParticipant } from '../sweep-participant.ts'
import type { SweepResult } from '../sweep-participant.ts'

const { sweep } = lambdaParticipant(chainQueues())

/** Cron: gives expired reservations' capacity back, drops stale candidates and publications, settles overdue chain hops. */
export const handler = withInvocationLogger(sweep, async (deps): Promise<SweepResult> => {
  const result = await sweepParticipant(deps)
  deps.logger.info('EXPIRY_SWEEP_DONE', { ...result })
  return result
})
