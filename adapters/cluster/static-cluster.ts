import type { Cluster } from '../../core/cluster/ports.ts'
import type { LiqoCredentials } from '../../core/contracts/model.ts'

/** A Cluster answered from configuration, until the in-cluster agent serves it. */
export class StaticCluster implements Cluster {
  constructor(private readonly credentials: LiqoCredentials) {}

  async peeringCredentials(): Promise<LiqoCredentials> {
    return this.credentials
  }
}
