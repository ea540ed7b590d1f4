import { createTableContext } from '../../adapters/dynamo/document-client.ts'
import { publishToAggregators } from '../../core/discovery/publish-to-aggregators.ts'
import { composeParticipant } from '../composition.ts'
import { lambdaConfig } from '../lambda/environment.ts'

const config = lambdaConfig()
const { publish } = composeParticipant(config, { table: createTableContext({ tableName: config.tableName }) })

/** Cron (nodes): pushes this node's available flavours to its supernode and the catalogs it knows. */
export async function handler(): Promise<{ published: number; failed: string[] }> {
  return publishToAggregators(publish)
}
