/** Operator bearer token for /admin (sst secret set AdminToken ...). */
export const adminToken = new sst.Secret('AdminToken')

/** The in-cluster agent's bearer token for /agent/* only (sst secret set AgentToken ...); linked to the API function alone. */
export const agentToken = new sst.Secret('AgentToken')

/** Base64 kubeconfig buyers peer with, until the in-cluster agent serves it. */
export const peeringKubeconfig = new sst.Secret('PeeringKubeconfig', '')

/** Standard Webhooks secret (whsec_…) platforms sign intents with and callbacks are signed with (sst secret set IntentWebhookSecret ...); the API and the chain worker read it. */
export const intentWebhookSecret = new sst.Secret('IntentWebhookSecret', '')

/**
 * This participant's Ed25519 signing keys, `{ current, previous?, previousUntil? }` private JWKs (sst secret set
 * SigningKeys ...); every function signs its calls to peers with it, and the API verifies theirs once it is set.
 */
export const signingKeys = new sst.Secret('SigningKeys', '')

/**
 * This participant's X25519 sealing keys, `{ current, previous? }` private JWKs (sst secret set SealingKeys ...);
 * peering kubeconfigs are sealed to it (or to the buyer) and stored only sealed. Empty: credentials stay in clear.
 */
export const sealingKeys = new sst.Secret('SealingKeys', '')
