import { publishToAggregators } from '../../core/discovery/publish-to-aggregators.ts'
import { lambdaParticipant } from '../lambda/environment.ts'

const { publish } = lambdaParticipant()

/** Cron (nodes): pushes this node's available flavours to its supernode and the catalogs it knows. */
export async function handler(): Promise<{ published: number; failed: string[] }> {
  return publishToAggregators(publish)
}
