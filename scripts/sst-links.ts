export interface LinkedResources {
  stage: string
  tableName: string
  adminToken: string
  /** The agent's token (the API function's link only); defaults to one derived from the admin token, never equal to it. */
  agentToken?: string
  peeringKubeconfig?: string
  /** Standard Webhooks secret of the intent API and callbacks; empty (intents refused) by default. */
  intentWebhookSecret?: string
  /** SIGNING_KEYS JSON; empty (calls unsigned, none verified) by default. */
  signingKeys?: string
  /** SEALING_KEYS JSON; empty (credentials in clear) by default. */
  sealingKeys?: string
  chainQueueUrl: string
  agentQueueUrl: string
  /** The listing index's snapshot bucket; empty (no snapshots: cold starts read the table) by default. */
  indexSnapshotBucket?: string
}

/**
 * The environment SST gives a deployed function for the resources infra/ links to it
 * (`SST_RESOURCE_<name>` JSON), so a bundle can run outside Lambda in tests and the benchmark.
 */
export function sstLinkEnvironment(links: LinkedResources): Record<string, string> {
  const link = (value: object) => JSON.stringify(value)
  return {
    SST_RESOURCE_App: link({ name: 'rear-cloud', stage: links.stage }),
    SST_RESOURCE_ParticipantTable: link({ name: links.tableName, type: 'sst.aws.Dynamo' }),
    SST_RESOURCE_AdminToken: link({ value: links.adminToken, type: 'sst.sst.Secret' }),
    SST_RESOURCE_AgentToken: link({ value: links.agentToken ?? `${links.adminToken}-agent`, type: 'sst.sst.Secret' }),
    SST_RESOURCE_PeeringKubeconfig: link({ value: links.peeringKubeconfig ?? '', type: 'sst.sst.Secret' }),
    SST_RESOURCE_IntentWebhookSecret: link({ value: links.intentWebhookSecret ?? '', type: 'sst.sst.Secret' }),
    SST_RESOURCE_SigningKeys: link({ value: links.signingKeys ?? '', type: 'sst.sst.Secret' }),
    SST_RESOURCE_SealingKeys: link({ value: links.sealingKeys ?? '', type: 'sst.sst.Secret' }),
    SST_RESOURCE_IndexSnapshots: link({ name: links.indexSnapshotBucket ?? '', type: 'sst.aws.Bucket' }),
    SST_RESOURCE_ChainQueue: link({ url: links.chainQueueUrl, type: 'sst.aws.Queue' }),
    SST_RESOURCE_AgentQueue: link({ url: links.agentQueueUrl, type: 'sst.aws.Queue' }),
  }
}
