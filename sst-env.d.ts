/* Hand-written: `sst deploy` regenerates this file. It types the links functions/lambda reads. */
import 'sst'
declare module 'sst' {
  export interface Resource {
    ParticipantTable: { name: string; type: 'sst.aws.Dynamo' }
    ChainQueue: { url: string; type: 'sst.aws.Queue' }
    AgentQueue: { url: string; type: 'sst.aws.Queue' }
    AdminToken: { value: string; type: 'sst.sst.Secret' }
    AgentToken: { value: string; type: 'sst.sst.Secret' }
    IntentWebhookSecret: { value: string; type: 'sst.sst.Secret' }
    PeeringKubeconfig: { value: string; type: 'sst.sst.Secret' }
    SigningKeys: { value: string; type: 'sst.sst.Secret' }
    SealingKeys: { value: string; type: 'sst.sst.Secret' }
    IndexSnapshots: { name: string; type: 'sst.aws.Bucket' }
  }
}
export {}
