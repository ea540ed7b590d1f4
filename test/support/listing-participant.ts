import { loadConfig } from '../../functions/config.ts'
import type { ParticipantConfig } from '../../functions/config.ts'

/** The provider node both processes of the listing tests compose on one table. */
export const listingParticipantEnv = (tableName: string, extra: Record<string, string> = {}): ParticipantConfig =>
  loadConfig({ PARTICIPANT_ID: 'provider', PARTICIPANT_DOMAIN: 'provider.local', TABLE_NAME: tableName, LIQO_CLUSTER_ID: 'liqo-provider', ...extra })
