import { participant } from './settings'

/** The plain (non-secret) configuration every function of this participant reads. */
export function functionEnvironment(endpoint: $util.Input<string>): Record<string, $util.Input<string>> {
  return {
    REAR_ROLE: participant.role,
    PARTICIPANT_ID: participant.participantId,
    PARTICIPANT_DOMAIN: participant.domain,
    PARTICIPANT_ENDPOINT: endpoint,
    LIQO_CLUSTER_ID: participant.liqoClusterId,
    ...(participant.transactionTtlSeconds ? { TRANSACTION_TTL_SECONDS: String(participant.transactionTtlSeconds) } : {}),
  }
}
