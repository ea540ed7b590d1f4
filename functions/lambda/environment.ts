import { Resource } from 'sst'
import { loadConfig } from '../config.ts'
import type { ParticipantConfig } from '../config.ts'

/**
 * The only place that reads SST links: the table and secrets every function uses join the plain
 * environment; `queues` adds the chain and agent queues for the functions that take part in chains.
 */
export function lambdaConfig(extra: Record<string, string> = {}): ParticipantConfig {
  return loadConfig({
    ...process.env,
    TABLE_NAME: Resource.ParticipantTable.name,
    ADMIN_TOKEN: Resource.AdminToken.value,
    PEERING_KUBECONFIG: Resource.PeeringKubeconfig.value,
    ...extra,
  })
}
