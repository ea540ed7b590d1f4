import type { ClusterObjects, KubeObject } from '../kube/cluster-objects.ts'
import { CHAIN_LABEL, REMOTE_CLUSTER_ID, sliceName } from './liqo-peering.ts'

const OFFLOADING = 'offloading.liqo.io/v1beta1'
export const WORKLOAD_LABEL = 'rear.fluidos.eu/workload'
const NOT_ALLOWED_TAINT = 'virtual-node.liqo.io/not-allowed'

/** The kinds a workload may hold: what runs, and what it reads. Anything else is refused before any write. */
const KINDS: Readonly<Record<string, string>> = { Deployment: 'apps/v1', Pod: 'v1', Service: 'v1', ConfigMap: 'v1', Secret: 'v1' }

type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> }

export interface WorkloadReport {
  phase: 'deploying' | 'running' | 'failed' | 'removed'
  readyPods: number
  totalPods: number
  node?: string
  detail?: string
}

/** A workload that can never be deployed as given (unknown kind, no name): the command fails for good. */
export class WorkloadRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WorkloadRefused'
  }
}

/** Pins a pod spec to one virtual node, tolerating Liqo's taint: pods land there and nowhere else. */
function pinned(spec: Record<string, unknown> | undefined, node: string): Record<string, unknown> {
  const tolerations = Array.isArray(spec?.tolerations) ? (spec.tolerations as unknown[]) : []
  return {
    ...spec,
    nodeSelector: { ...(spec?.nodeSelector as Record<string, string> | undefined), 'kubernetes.io/hostname': node },
    tolerations: [...tolerations, { key: NOT_ALLOWED_TAINT, operator: 'Exists', effect: 'NoExecute' }],
  }
}

function prepared(manifest: Record<string, unknown>, namespace: string, workload: string, node: string): Obj {
  const kind = String(manifest.kind ?? '')
  const apiVersion = KINDS[kind]
  if (!apiVersion || manifest.apiVersion !== apiVersion) throw new WorkloadRefused(`unsupported object ${String(manifest.apiVersion)} ${kind}: a workload holds ${Object.entries(KINDS).map(([k, v]) => `${v} ${k}`).join(', ')}`)
  const metadata = (manifest.metadata ?? {}) as Record<string, unknown>
  if (typeof metadata.name !== 'string' || !metadata.name) throw new WorkloadRefused(`a ${kind} has no metadata.name`)
  const labels = { ...(metadata.labels as Record<string, string> | undefined), [WORKLOAD_LABEL]: workload }
  const object = { ...manifest, metadata: { ...metadata, name: metadata.name, namespace, labels } } as Obj
  if (kind === 'Pod') return { ...object, spec: pinned(object.spec, node) }
  if (kind === 'Deployment') {
    const template = (object.spec?.template ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> }
    return {
      ...object,
      spec: { ...object.spec, template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, [WORKLOAD_LABEL]: workload } }, spec: pinned(template.spec, node) } },
    }
  }
  return object
}

const podReady = (pod: Obj) =>
  pod.status?.phase === 'Running' && (Array.isArray(pod.status?.conditions) ? (pod.status.conditions as Array<{ type: string; status: string }>) : []).some((c) => c.type === 'Ready' && c.status === 'True')

/**
 * Workload placement (seed steps 39–41): the workload's namespace is offloaded with a
 * NamespaceOffloading that selects the contract's provider, and every pod is pinned to the
 * contract's own virtual node, so two contracts with one provider never share pods.
 */
export class Workloads {
  constructor(
    private readonly kube: ClusterObjects,
    private readonly options: { podsTimeoutMs: number } = { podsTimeoutMs: 300_000 },
  ) {}

  async deploy(
    input: { chainId: string; workload: string; namespace: string; remoteClusterId: string; manifests: Record<string, unknown>[] },
    progress: (report: WorkloadReport) => Promise<void>,
  ): Promise<WorkloadReport> {
    const node = sliceName(input.chainId)
    const objects = input.manifests.map((m) => prepared(m, input.namespace, input.workload, node))
    const virtualNode = await this.kube.get<Obj>({ apiVersion: 'v1', kind: 'Node', name: node })
    if (!virtualNode) throw new Error(`the contract's virtual node ${node} does not exist yet`)
    await this.kube.ensure<Obj>({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: input.namespace, labels: { 'liqo.io/scheduling-enabled': 'true', [CHAIN_LABEL]: node, [WORKLOAD_LABEL]: input.workload } },
    })
    await this.kube.ensure<Obj>({
      apiVersion: OFFLOADING,
      kind: 'NamespaceOffloading',
      metadata: { name: 'offloading', namespace: input.namespace },
      spec: {
        namespaceMappingStrategy: 'EnforceSameName',
        podOffloadingStrategy: 'Remote',
        clusterSelector: { nodeSelectorTerms: [{ matchExpressions: [{ key: REMOTE_CLUSTER_ID, operator: 'In', values: [input.remoteClusterId] }] }] },
      },
    })
    await this.kube.waitFor<Obj>({ apiVersion: OFFLOADING, kind: 'NamespaceOffloading', namespace: input.namespace, name: 'offloading' }, 'NamespaceOffloading', (o) => {
      if (o.status?.offloadingPhase === 'SomeFailed' || o.status?.offloadingPhase === 'AllFailed') throw new WorkloadRefused(`offloading ${input.namespace} failed: ${String(o.status.offloadingPhase)}`)
      return o.status?.offloadingPhase === 'Ready' && o.status?.observedGeneration === o.metadata.generation
    })
    for (const object of objects) await this.kube.ensure(object)
    await progress({ phase: 'deploying', readyPods: 0, totalPods: 0, node, detail: `${objects.length} object(s) applied` })
    const deadline = Date.now() + this.options.podsTimeoutMs
    let delay = 100
    for (;;) {
      const pods = (await this.kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: input.namespace }, `${WORKLOAD_LABEL}=${input.workload}`)) as Obj[]
      const ready = pods.filter(podReady).length
      const elsewhere = pods.filter((p) => p.spec?.nodeName && p.spec.nodeName !== node)
      if (elsewhere.length) return { phase: 'failed', readyPods: ready, totalPods: pods.length, node, detail: `pod ${elsewhere[0]!.metadata.name} landed on ${String(elsewhere[0]!.spec!.nodeName)}` }
      if (pods.length > 0 && ready === pods.length) return { phase: 'running', readyPods: ready, totalPods: pods.length, node, detail: `${ready}/${pods.length} pods Ready on ${node}` }
      if (Date.now() >= deadline) return { phase: 'failed', readyPods: ready, totalPods: pods.length, node, detail: `${ready}/${pods.length} pods Ready after ${this.options.podsTimeoutMs / 1000} s` }
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay = Math.min(2_000, delay * 2)
    }
  }

  /** Removes the workload's objects, its offloading and its namespace. */
  async remove(input: { workload: string; namespace: string }): Promise<WorkloadReport> {
    for (const [kind, apiVersion] of Object.entries(KINDS)) {
      for (const object of await this.kube.list({ apiVersion, kind, namespace: input.namespace }, `${WORKLOAD_LABEL}=${input.workload}`)) {
        await this.kube.remove({ apiVersion, kind, namespace: input.namespace, name: object.metadata.name })
      }
    }
    await this.kube.remove({ apiVersion: OFFLOADING, kind: 'NamespaceOffloading', namespace: input.namespace, name: 'offloading' })
    await this.kube.remove({ apiVersion: 'v1', kind: 'Namespace', name: input.namespace })
    return { phase: 'removed', readyPods: 0, totalPods: 0, detail: `namespace ${input.namespace} removed` }
  }

  /** The workload namespaces of a chain's contract, for tear-down. */
  async ofChain(chainId: string): Promise<{ workload: string; namespace: string }[]> {
    const namespaces = await this.kube.list({ apiVersion: 'v1', kind: 'Namespace' }, `${CHAIN_LABEL}=${sliceName(chainId)},${WORKLOAD_LABEL}`)
    return namespaces.map((ns) => ({ workload: ns.metadata.labels?.[WORKLOAD_LABEL] ?? ns.metadata.name, namespace: ns.metadata.name }))
  }
}
