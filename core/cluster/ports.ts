import type { LiqoCredentials } from '../contracts/model.ts'

/**
 * This participant's own Kubernetes cluster as the cloud side sees it. Only the in-cluster agent
 * talks to Kubernetes and Liqo; functions reach it through this port (static configuration until then).
 */
export interface Cluster {
  /** The Liqo cluster id and a kubeconfig (base64) a buyer peers with; sensitive. */
  peeringCredentials(): Promise<LiqoCredentials>
}

/** What the in-cluster agent last said of its cluster's Liqo. */
export interface ClusterStatus {
  /** The Liqo cluster id the agent read (`liqo/liqo-clusterid-configmap`). */
  clusterId?: string
  liqoReady: boolean
  detail?: string
  reportedAt: Date
}

/** The agent's latest cluster report, one per participant; none until an agent has reported. */
export interface ClusterStatusRepository {
  get(): Promise<ClusterStatus | undefined>
  save(status: ClusterStatus): Promise<void>
}
