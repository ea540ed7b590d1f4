/**
 * Configuration variables (`functions/config.ts`) that the local federation sets itself for each
 * participant, with the reason; any other variable of the environment applies to every participant.
 * Listed here, not guessed, so `npm start` can say which of the user's variables it ignored.
 */
export const PER_PARTICIPANT_VARIABLES: Readonly<Record<string, string>> = {
  REAR_ROLE: 'each participant has its own role',
  PARTICIPANT_ID: 'each participant has its own identity',
  PARTICIPANT_DOMAIN: 'each participant has its own identity',
  PARTICIPANT_ENDPOINT: 'set from --host and the participant port',
  PARTICIPANT_URL: 'set from --host and the participant port',
  TABLE_NAME: 'each participant has its own table, rear-<participant>',
  DYNAMODB_ENDPOINT: 'the DynamoDB Local that npm start runs',
  SQS_ENDPOINT: 'the fauxqs that npm start runs',
  S3_ENDPOINT: 'the fauxqs that npm start runs serves S3 too (index snapshots)',
  AWS_REGION: `the emulators are addressed in one fixed region`,
  CHAIN_QUEUE_URL: 'each participant has its own queues on fauxqs',
  AGENT_QUEUE_URL: 'each participant has its own queues on fauxqs',
  LIQO_CLUSTER_ID: 'each participant has its own, liqo-<participant>',
  PEERING_KUBECONFIG: 'each seller puts a fake kubeconfig of its own in contracts',
  SIGNING_KEYS: 'each participant has its own key pair, made at start (kept with --persist)',
  SEALING_KEYS: 'each participant has its own X25519 sealing key, made at start (kept with --persist)',
  AGENT_PUBLIC_KEYS: "each participant knows its own agent's key, made at start",
  PEER_PUBLIC_KEYS: "each participant knows every other's public key, so answers at a reply address verify",
  LOCAL_UNSIGNED_LOOPBACK: 'true unless npm start -- --secure',
}

export interface SharedEnvironment {
  /** The variables every participant is configured with. */
  env: Record<string, string>
  /** Variables set in the environment that the federation sets per participant instead. */
  ignored: string[]
}

/** Splits an environment into what applies to every participant and what `npm start` overrides. */
export function sharedEnvironment(env: Readonly<Record<string, string | undefined>>): SharedEnvironment {
  const shared: Record<string, string> = {}
  const ignored: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue
    if (Object.hasOwn(PER_PARTICIPANT_VARIABLES, name)) ignored.push(name)
    else shared[name] = value
  }
  return { env: shared, ignored: ignored.sort() }
}
