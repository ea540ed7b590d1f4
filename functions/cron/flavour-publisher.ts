import { publishToAggregators } from '../../core/discovery/publish-to-aggregators.ts'
import { lambdaParticipant } from '../lambda/environment.ts'
import { withInvocationLogger } from '../lambda/invocation.ts'

const { publish } = lambdaParticipant()

/** Cron (nodes): pushes this node's available flavours to its supernode and the catalogs it knows. */
export const handler = withInvocationLogger(publish, (deps): Promise<{ published: number; failed: string[] }> => publishToAggregators(deps))
