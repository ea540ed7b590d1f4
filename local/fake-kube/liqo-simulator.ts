import { deploymentController } from './deployments.ts'
import { record, REMOTE_CLUSTER_ID, refOf, same, strings } from './liqo-objects.ts'
import type { ControllerContext, Obj } from './liqo-objects.ts'
import { authenticationController, networkingController, seedClusterFacts } from './liqo-peering.ts'
import type { KubeObject } from './selectors.ts'
import type { ChangeEvent, ChangeHook, FakeKubeStore } from './store.ts'

const AUTHENTICATION = 'authentication.liqo.io/v1beta1'
const OFFLOADING = 'offloading.liqo.io/v1beta1'
const VIRTUAL_NODE_TYPE = 'liqo.io/type'
const NOT_ALLOWED_TAINT = { key: 'virtual-node.liqo.io/not-allowed', value: 'true', effect: 'NoExecute' }

/** Requests the provider's default ResourceSlice class fills in when the consumer leaves them out (reference §1.2). */
export const LIQO_DEFAULT_SLICE_RESOURCES: Readonly<Record<string, string>> = { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '20Gi' }

/** A simulated controller that never gets its kind to ready; `'denied'` makes the ResourceSlice controller deny instead of staying silent. */
export interface LiqoFailures {
  ResourceSlice?: boolean | 'denied'
  VirtualNode?: boolean
  NamespaceOffloading?: boolean
  Pod?: boolean
  /** No `status.endpoint`, `status.secretRef` or key Secret, so no Connection either. */
  GatewayServer?: boolean
  /** No `status.secretRef` or key Secret, so no Connection either. */
  GatewayClient?: boolean
  /** The Connection is created but stays `status.value: Connecting`. */
  Connection?: boolean
  /** No `status.tenantNamespace` or `status.authParams`. */
  Tenant?: boolean
  /** No kubeconfig Secret and no `status.kubeconfigSecretRef`. */
  Identity?: boolean
  /** Neither `data.nonce` in `liqo-nonce` Secrets nor `data.signedNonce` in `liqo-signed-nonce` Secrets is filled in. */
  Nonce?: boolean
}

/** How the simulated Liqo controllers behave, so tests can hold readiness back or make it never come. */
export interface LiqoSimulatorOptions {
  /** Each reconcile step waits this long; 0 (the default) reconciles synchronously inside the write. */
  delayMs?: number
  /** Schedules a delayed step; defaults to `setTimeout`, injectable so tests advance time themselves. */
  timer?: (run: () => void, ms: number) => void
  /** Kinds whose controller never makes them ready. */
  fail?: LiqoFailures
  /** This cluster's Liqo cluster ID: seeded in `liqo/liqo-clusterid-configmap`, used for `DefaultName` remote namespaces. Default `local-cluster`. */
  clusterId?: string
  /** This cluster's pod CIDR, seeded as Network `liqo/pod-cidr`. Default `10.100.0.0/16`. */
  podCidr?: string
  /** This cluster's external CIDR, seeded as Network `liqo/external-cidr`. Default `10.70.0.0/16`. */
  externalCidr?: string
  /** The address a GatewayServer reports in `status.endpoint.addresses`. Default `192.0.2.10` (TEST-NET-1). */
  gatewayAddress?: string
  /** The API server URL a Tenant's `status.authParams.apiServer` gives the consumer. Default `https://<clusterId>.liqo.local:6443`. */
  apiServerUrl?: string
}

/** The parts of a fake API server the simulator drives. */
export interface LiqoSimulated {
  store: FakeKubeStore
  onChange(hook: ChangeHook): () => void
}

const conditionsOf = (object: Obj | undefined): Array<Record<string, unknown>> => {
  const conditions = object?.status?.['conditions']
  return Array.isArray(conditions) ? (conditions as Array<Record<string, unknown>>) : []
}
const conditionStatus = (object: Obj | undefined, type: string) => conditionsOf(object).find((c) => c['type'] === type)?.['status']

const sliceCondition = (type: 'Authentication' | 'Resources', status: 'Accepted' | 'Denied') => ({
  type,
  status,
  reason: `ResourceSlice${type}${status}`,
  message: `ResourceSlice ${type.toLowerCase()} ${status.toLowerCase()}`,
})

const providerOf = (slice: Obj): string => {
  const fromSpec = slice.spec?.['providerClusterID']
  if (typeof fromSpec === 'string' && fromSpec) return fromSpec
  const fromLabel = slice.metadata.labels?.[REMOTE_CLUSTER_ID]
  if (fromLabel) return fromLabel
  return (slice.metadata.namespace ?? '').replace(/^liqo-tenant-/, '')
}

interface Requirement {
  key: string
  operator: string
  values?: string[]
}

const requirementHolds = (labels: Record<string, string>, r: Requirement): boolean => {
  const value = labels[r.key]
  if (r.operator === 'In') return value !== undefined && (r.values ?? []).includes(value)
  if (r.operator === 'NotIn') return value === undefined || !(r.values ?? []).includes(value)
  if (r.operator === 'Exists') return value !== undefined
  if (r.operator === 'DoesNotExist') return value === undefined
  return false
}

const clusterSelected = (selector: unknown, labels: Record<string, string>): boolean => {
  const terms = record(selector)['nodeSelectorTerms']
  if (!Array.isArray(terms) || terms.length === 0) return true
  return terms.some((term) => {
    const expressions = record(term)['matchExpressions']
    return (Array.isArray(expressions) ? (expressions as Requirement[]) : []).every((r) => requirementHolds(labels, r))
  })
}

/**
 * Makes a fake cluster behave like Liqo v1's controllers for what the agent drives, deterministically, because no real Liqo
 * can run where the tests and local mode do: seeded cluster facts (cluster ID, authentication keys, IPAM networks), declarative
 * peering on this side only (Configuration, gateways, Connection, nonces, Tenant, Identity), ResourceSlice → VirtualNode → Node,
 * NamespaceOffloading, Deployments' pods, and offloaded pods running. Returns the unregistration.
 */
export const simulateLiqo = (fake: LiqoSimulated, options: LiqoSimulatorOptions = {}): (() => void) => {
  const { store } = fake
  const delayMs = options.delayMs ?? 0
  const timer = options.timer ?? ((run: () => void, ms: number) => void setTimeout(run, ms))
  const fail = options.fail ?? {}
  const clusterId = options.clusterId ?? 'local-cluster'
  const settings = {
    clusterId,
    podCidr: options.podCidr ?? '10.100.0.0/16',
    externalCidr: options.externalCidr ?? '10.70.0.0/16',
    gatewayAddress: options.gatewayAddress ?? '192.0.2.10',
    apiServerUrl: options.apiServerUrl ?? `https://${clusterId}.liqo.local:6443`,
    fail,
  }
  const pending = new Set<string>()
  let stopped = false

  const later = (key: string, step: () => void) => {
    if (delayMs <= 0) return step()
    if (pending.has(key)) return
    pending.add(key)
    timer(() => {
      pending.delete(key)
      if (!stopped) step()
    }, delayMs)
  }
  const read = (apiVersion: string, kind: string, namespace: string | undefined, name: string) =>
    store.get({ apiVersion, kind, ...(namespace === undefined ? {} : { namespace }), name }) as Obj | undefined
  const virtualNodes = () => (store.list('v1', 'Node') as Obj[]).filter((n) => n.metadata.labels?.[VIRTUAL_NODE_TYPE] === 'virtual-node')

  const reconcileSlice = (namespace: string, name: string) => {
    const slice = read(AUTHENTICATION, 'ResourceSlice', namespace, name)
    if (!slice) return
    if (slice.metadata['deletionTimestamp']) return removeVirtualNode(namespace, name)
    if (fail.ResourceSlice === true) return
    const resources = { ...LIQO_DEFAULT_SLICE_RESOURCES, ...strings(slice.spec?.['resources']) }
    const slicesClass = slice.spec?.['class']
    const denied = fail.ResourceSlice === 'denied'
    const conditions = [
      sliceCondition('Authentication', 'Accepted'),
      ...(slicesClass === undefined || slicesClass === 'default' ? [sliceCondition('Resources', denied ? 'Denied' : 'Accepted')] : []),
    ]
    const accepted =
      !same(slice.status?.['conditions'], conditions) || !same(slice.status?.['resources'], resources)
        ? (store.apply({ ...slice, status: { ...slice.status, conditions, resources } }) as Obj)
        : slice
    if (record(accepted.metadata['annotations'])['liqo.io/create-virtual-node'] === 'false') return
    if (conditionStatus(accepted, 'Authentication') === 'Accepted' && conditionStatus(accepted, 'Resources') === 'Accepted') ensureVirtualNode(accepted, resources)
  }

  const ensureVirtualNode = (slice: Obj, resources: Record<string, string>) => {
    const namespace = slice.metadata.namespace ?? ''
    const name = slice.metadata.name ?? ''
    const existing = read(OFFLOADING, 'VirtualNode', namespace, name)
    const provider = providerOf(slice)
    const spec = {
      ...(existing?.spec ?? {}),
      clusterID: provider,
      createNode: existing?.spec?.['createNode'] ?? true,
      resourceQuota: { hard: resources },
      labels: strings(slice.status?.['nodeLabels']),
    }
    if (existing && same(existing.spec, spec)) return
    store.apply({
      apiVersion: OFFLOADING,
      kind: 'VirtualNode',
      metadata: {
        ...(existing?.metadata ?? {}),
        name,
        namespace,
        labels: { ...(existing?.metadata.labels ?? {}), 'liqo.io/resourceslice-name': name, [REMOTE_CLUSTER_ID]: provider },
        ownerReferences: [{ apiVersion: AUTHENTICATION, kind: 'ResourceSlice', name, uid: slice.metadata['uid'], controller: true, blockOwnerDeletion: true }],
      },
      spec,
      status: existing?.status ?? {
        conditions: [
          { type: 'VirtualKubelet', status: 'Creating' },
          { type: 'Node', status: 'Creating' },
        ],
      },
    })
  }

  const reconcileVirtualNode = (namespace: string, name: string) => {
    const vn = read(OFFLOADING, 'VirtualNode', namespace, name)
    if (!vn || fail.VirtualNode) return
    if (vn.metadata['deletionTimestamp']) return void store.delete({ apiVersion: 'v1', kind: 'Node', name })
    const createNode = vn.spec?.['createNode'] !== false
    const conditions = [
      { type: 'VirtualKubelet', status: 'Running' },
      { type: 'Node', status: createNode ? 'Running' : 'None' },
    ]
    const running = same(vn.status?.['conditions'], conditions) ? vn : (store.patchStatus(refOf(vn), { conditions }) as Obj)
    if (createNode) ensureNode(running)
  }

  const ensureNode = (vn: Obj) => {
    const name = vn.metadata.name ?? ''
    const hard = strings(record(vn.spec?.['resourceQuota'])['hard'])
    const clusterID = String(vn.spec?.['clusterID'] ?? '')
    const existing = read('v1', 'Node', undefined, name)
    const labels = {
      ...strings(vn.spec?.['labels']),
      [VIRTUAL_NODE_TYPE]: 'virtual-node',
      [REMOTE_CLUSTER_ID]: clusterID,
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/hostname': name,
    }
    const node: Obj = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { ...(existing?.metadata ?? {}), name, labels },
      spec: { ...(existing?.spec ?? {}), taints: [NOT_ALLOWED_TAINT] },
      status: {
        capacity: hard,
        allocatable: hard,
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'The Liqo Virtual Kubelet is posting ready status' }],
      },
    }
    if (existing && same(existing.metadata.labels, labels) && same(existing.spec, node.spec) && same(existing.status, node.status)) return
    store.apply(node)
  }

  const removeVirtualNode = (namespace: string, name: string) => {
    store.delete({ apiVersion: OFFLOADING, kind: 'VirtualNode', namespace, name })
    store.delete({ apiVersion: 'v1', kind: 'Node', name })
  }

  const reconcileOffloading = (namespace: string, name: string) => {
    const offloading = read(OFFLOADING, 'NamespaceOffloading', namespace, name)
    if (!offloading || offloading.metadata['deletionTimestamp']) return
    const spec = offloading.spec ?? {}
    const strategy = spec['namespaceMappingStrategy'] ?? 'DefaultName'
    const remoteNamespaceName =
      strategy === 'EnforceSameName' ? namespace : strategy === 'SelectedName' ? String(spec['remoteNamespaceName'] ?? namespace) : `${namespace}-${clusterId}`
    const selected = virtualNodes().filter((n) => clusterSelected(spec['clusterSelector'], n.metadata.labels ?? {}))
    const clusters = [...new Set(selected.map((n) => n.metadata.labels?.[REMOTE_CLUSTER_ID] ?? ''))].sort()
    const ready = !fail.NamespaceOffloading
    const offloadingPhase = !ready ? 'InProgress' : clusters.length === 0 ? 'NoClusterSelected' : 'Ready'
    const remoteNamespacesConditions = Object.fromEntries(
      clusters.map((id) => [
        id,
        [
          { type: 'OffloadingRequired', status: 'True', reason: 'ClusterSelected', message: 'You have selected this cluster for offloading' },
          ready
            ? { type: 'Ready', status: 'True', reason: 'RemoteNamespaceCreated', message: 'Namespace correctly offloaded on this cluster' }
            : { type: 'Ready', status: 'False', reason: 'RemoteNamespaceCreationPending', message: 'Namespace is being offloaded on this cluster' },
        ],
      ]),
    )
    const status = { remoteNamespaceName, offloadingPhase, remoteNamespacesConditions, observedGeneration: offloading.metadata['generation'] }
    if (same(offloading.status, status)) return
    store.apply({ ...offloading, status })
  }

  const targetOf = (pod: Obj, nodes: Obj[]): Obj | undefined => {
    const nodeName = pod.spec?.['nodeName']
    if (typeof nodeName === 'string' && nodeName) return nodes.find((n) => n.metadata.name === nodeName)
    const offloading = read(OFFLOADING, 'NamespaceOffloading', pod.metadata.namespace, 'offloading')
    if (offloading?.status?.['offloadingPhase'] !== 'Ready' || offloading.spec?.['podOffloadingStrategy'] === 'Local') return undefined
    const selector = strings(pod.spec?.['nodeSelector'])
    if (Object.keys(selector).length === 0) return undefined
    return nodes.find(
      (n) => clusterSelected(offloading.spec?.['clusterSelector'], n.metadata.labels ?? {}) && Object.entries(selector).every(([k, v]) => n.metadata.labels?.[k] === v),
    )
  }

  const reconcilePod = (namespace: string, name: string) => {
    const pod = read('v1', 'Pod', namespace, name)
    if (!pod || fail.Pod || pod.metadata['deletionTimestamp']) return
    if (['Running', 'Succeeded', 'Failed'].includes(String(pod.status?.['phase']))) return
    const node = targetOf(pod, virtualNodes())
    if (!node || conditionStatus(node, 'Ready') !== 'True') return
    const containers = Array.isArray(pod.spec?.['containers']) ? (pod.spec['containers'] as Array<Record<string, unknown>>) : []
    store.apply({
      ...pod,
      spec: { ...pod.spec, nodeName: node.metadata.name },
      status: {
        phase: 'Running',
        conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True' })),
        containerStatuses: containers.map((c) => ({ name: c['name'], image: c['image'], ready: true, started: true, restartCount: 0, state: { running: {} } })),
      },
    })
  }

  const requeue = (kind: string, objects: KubeObject[], reconcile: (namespace: string, name: string) => void) => {
    for (const { metadata } of objects) later(`${kind}/${metadata.namespace}/${metadata.name}`, () => reconcile(metadata.namespace ?? '', metadata.name ?? ''))
  }
  const onNodesChanged = () => {
    requeue('NamespaceOffloading', store.list(OFFLOADING, 'NamespaceOffloading'), reconcileOffloading)
    requeue('Pod', store.list('v1', 'Pod'), reconcilePod)
  }

  const react = (object: KubeObject, deleted: boolean, previous?: KubeObject) => {
    if (stopped) return
    const namespace = object.metadata.namespace ?? ''
    const name = object.metadata.name ?? ''
    const key = `${object.kind}/${namespace}/${name}`
    if (object.apiVersion === AUTHENTICATION && object.kind === 'ResourceSlice') {
      if (deleted) removeVirtualNode(namespace, name)
      else later(key, () => reconcileSlice(namespace, name))
    } else if (object.apiVersion === OFFLOADING && object.kind === 'VirtualNode') {
      if (deleted) store.delete({ apiVersion: 'v1', kind: 'Node', name })
      else later(key, () => reconcileVirtualNode(namespace, name))
    } else if (object.apiVersion === OFFLOADING && object.kind === 'NamespaceOffloading') {
      if (!deleted) later(key, () => reconcileOffloading(namespace, name))
      requeue('Pod', store.list('v1', 'Pod', { namespace }), reconcilePod)
    } else if (object.apiVersion === 'v1' && object.kind === 'Node') {
      const wasVirtual = (previous ?? object).metadata.labels?.[VIRTUAL_NODE_TYPE] === 'virtual-node'
      if (wasVirtual || object.metadata.labels?.[VIRTUAL_NODE_TYPE] === 'virtual-node') onNodesChanged()
    } else if (object.apiVersion === 'v1' && object.kind === 'Pod' && !deleted) later(key, () => reconcilePod(namespace, name))
  }

  const context: ControllerContext = { store, read, later }
  const controllers = [networkingController(context, settings), authenticationController(context, settings), deploymentController(context)]
  const unregister = fake.onChange((event: ChangeEvent) => {
    react(event.object, event.type === 'DELETED', event.previous)
    if (!stopped) for (const controller of controllers) controller.react(event.object, event.type === 'DELETED')
  })
  seedClusterFacts(context, settings)
  for (const o of store.list(AUTHENTICATION, 'ResourceSlice')) react(o, false)
  for (const o of store.list(OFFLOADING, 'VirtualNode')) react(o, false)
  for (const controller of controllers) controller.resync()
  onNodesChanged()
  return () => {
    stopped = true
    unregister()
  }
}
