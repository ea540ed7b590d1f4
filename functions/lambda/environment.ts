import { Resource } from 'sst'
import { createTableContext } from '../../adapters/dynamo/document-client.ts'
import { composeParticipant } from '../composition.ts'
import type { Participant } from '../composition.ts'
import { loadConfig } from '../config.ts'
import type { ParticipantConfig } from '../config.ts'

/**
 * The only place that reads SST links: the table and secrets every function uses join the plain
 * environment; `extra` adds the chain and agent queues for the functions that take part in chains.
 */
export function lambdaConfig(extra: Record<string, string> = {}): ParticipantConfig {
  return loadConfig({
    ...process.env,
    TABLE_NAME: Resource.ParticipantTable.name,
    ADMIN_TOKEN: Resource.AdminToken.value,
    PEERING_KUBECONFIG: Resource.PeeringKubeconfig.value,
    SIGNING_KEYS: Resource.SigningKeys.value,
    SEALING_KEYS: Resource.SealingKeys.value,
    ...(Resource.IndexSnapshots.name ? { INDEX_SNAPSHOT_BUCKET: Resource.IndexSnapshots.name } : {}),
    ...extra,
  })
}

/** The participant a Lambda entry point serves, composed once per container at module init. */
export function lambdaParticipant(extra: Record<string, string> = {}): Participant {
  const config = lambdaConfig(extra)
  const table = createTableContext({
    tableName: config.tableName,
    ...(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {}),
    ...(config.region ? { region: config.region } : {}),
  })
  return composeParticipant(config, { table })
}
