import { adminToken, peeringKubeconfig, sealingKeys, signingKeys } from './secrets'
import { bundling, participant, runtime } from './settings'
import { participantTable } from './tables'
import { indexSnapshots } from './index-snapshots'

/** The plain (non-secret) configuration every function of this participant reads. */
function functionEnvironment(apiUrl: $util.Output<string>): Record<string, $util.Input<string>> {
  return {
    REAR_ROLE: participant.role,
    PARTICIPANT_ID: participant.participantId,
    PARTICIPANT_DOMAIN: participant.domain,
    PARTICIPANT_ENDPOINT: apiUrl.apply((url) => new URL(url).host),
    PARTICIPANT_URL: apiUrl.apply((url) => url.replace(/\/$/, '')),
    LIQO_CLUSTER_ID: participant.liqoClusterId,
    RATE_LIMIT_PER_MINUTE: '600',
    RESERVATION_RATE_LIMIT_PER_MINUTE: '120',
    ...(participant.transactionTtlSeconds ? { TRANSACTION_TTL_SECONDS: String(participant.transactionTtlSeconds) } : {}),
  }
}

/**
 * What every function of this participant shares, written once: the runtime, the bundling `npm run
 * build` measures, the participant's environment, and the table and secrets `lambdaConfig` reads
 * (the signing keys too: every function calls peers; the sealing keys too: every function may purchase or reserve as a chain hop;
 * the index snapshots too: every function may list, and the compactor writes them).
 * `links` adds what only some functions use (the chain and agent queues).
 */
export function lambdaDefaults(apiUrl: $util.Output<string>, links: $util.Input<unknown>[] = []) {
  return {
    runtime,
    nodejs: bundling,
    link: [participantTable, indexSnapshots, adminToken, peeringKubeconfig, signingKeys, sealingKeys, ...links],
    environment: functionEnvironment(apiUrl),
  }
}
