/** Operator bearer token for /admin (sst secret set AdminToken ...). */
export const adminToken = new sst.Secret('AdminToken')

/** Base64 kubeconfig buyers peer with, until the in-cluster agent serves it. */
export const peeringKubeconfig = new sst.Secret('PeeringKubeconfig', '')
