import { Resource } from 'sst'
import { loadConfig } from '../config.ts'
import type { ParticipantConfig } from '../config.ts'

/** The only place that reads SST links: table name and secrets join the plain environment. */
export function lambdaConfig(): ParticipantConfig {
  return loadConfig({
    ...process.env,
    TABLE_NAME: Resource.ParticipantTable.name,
    ADMIN_TOKEN: Resource.AdminToken.value,
    PEERING_KUBECONFIG: Resource.PeeringKubeconfig.value,
  })
}
