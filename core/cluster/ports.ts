import type { LiqoCredentials } from '../contracts/model.ts'

/**
 * This participant's own Kubernetes cluster as the cloud side sees it. Only the in-cluster agent
 * talks to Kubernetes and Liqo; functions reach it through this port (static configuration until then).
 */
export interface Cluster {
  /** The Liqo cluster id and a kubeconfig (base64) a buyer peers with; sensitive. */
  peeringCredentials(): Promise<LiqoCredentials>
}
