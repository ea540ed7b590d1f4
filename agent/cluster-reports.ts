import type { Logger } from '../core/shared/ports.ts'
import type { ClusterObjects } from './kube/cluster-objects.ts'
import { statusOf } from './kube/cluster-objects.ts'

/** How often the agent tells its participant whether Liqo is ready: a third of the participant's staleness limit. */
export const CLUSTER_REPORT_EVERY_MS = 30_000

export interface ClusterReport {
  clusterId?: string
  liqoReady: boolean
  detail?: string
}

/** Liqo is ready when its cluster id is published and its networking, authentication and offloading CRDs answer. */
export async function checkLiqo(kube: ClusterObjects): Promise<ClusterReport> {
  try {
    const configMap = await kube.get<{ apiVersion: string; kind: string; metadata: { name: string }; data?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'liqo',
      name: 'liqo-clusterid-configmap',
    })
    const clusterId = configMap?.data?.CLUSTER_ID
    if (!clusterId) return { liqoReady: false, detail: 'Liqo is not installed: no cluster id in liqo/liqo-clusterid-configmap' }
    for (const [apiVersion, kind] of [
      ['networking.liqo.io/v1beta1', 'GatewayServer'],
      ['authentication.liqo.io/v1beta1', 'Tenant'],
      ['offloading.liqo.io/v1beta1', 'VirtualNode'],
    ] as const) {
      try {
        await kube.list({ apiVersion, kind, namespace: 'liqo' })
      } catch (error) {
        if (statusOf(error) === 404) return { clusterId, liqoReady: false, detail: `Liqo's ${kind} CRD (${apiVersion}) is missing` }
        throw error
      }
    }
    return { clusterId, liqoReady: true }
  } catch (error) {
    return { liqoReady: false, detail: `the API server did not answer: ${error instanceof Error ? error.message : String(error)}` }
  }
}

/** Reports Liqo's readiness now and every {@link CLUSTER_REPORT_EVERY_MS}; a failed report is retried at the next tick. */
export function startClusterReports(
  kube: ClusterObjects,
  participant: { reportCluster(report: ClusterReport): Promise<void> },
  logger: Logger,
  everyMs = CLUSTER_REPORT_EVERY_MS,
): { stop(): void; reportNow(): Promise<void> } {
  let last: string | undefined
  const reportNow = async () => {
    const report = await checkLiqo(kube)
    try {
      await participant.reportCluster(report)
      const summary = JSON.stringify(report)
      if (summary !== last) logger.info('CLUSTER_REPORTED', { ...report })
      last = summary
    } catch (error) {
      logger.warn('CLUSTER_REPORT_FAILED', { error: error instanceof Error ? error.message : String(error) })
    }
  }
  const timer = setInterval(() => void reportNow(), everyMs)
  timer.unref?.()
  return { stop: () => clearInterval(timer), reportNow }
}
