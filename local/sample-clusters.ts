import type { KubeObject } from './fake-kube/index.ts'

/**
 * The objects `npm start` puts in each node participant's fake cluster, written as the kubelet, the
 * scheduler and NVIDIA's GPU feature discovery would report them. Plain objects: only agent/ imports
 * the Kubernetes client.
 */

interface NodeShape {
  name: string
  cpu: string
  memory: string
  pods?: string
  storage: string
  labels?: Record<string, string>
  extra?: Record<string, string>
  controlPlane?: boolean
}

const node = (shape: NodeShape): KubeObject => {
  const resources = { cpu: shape.cpu, memory: shape.memory, pods: shape.pods ?? '110', 'ephemeral-storage': shape.storage, ...shape.extra }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: shape.name,
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': shape.name,
        ...(shape.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        ...shape.labels,
      },
    },
    spec: shape.controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure' },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'v1.31.0', containerRuntimeVersion: 'containerd://1.7.22' },
    },
  }
}

const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } })

/** A Running system pod bound to `nodeName`, one container requesting `requests`. */
const systemPod = (name: string, nodeName: string, image: string, requests: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'kube-system', labels: { 'k8s-app': name.replace(/-[a-z0-9]{5}$/, '') } },
  spec: { nodeName, priorityClassName: 'system-cluster-critical', containers: [{ name: name.replace(/-[a-z0-9]{5}$/, ''), image, resources: { requests } }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
})

/** The GPU worker's product, as GPU feature discovery labels it. */
export const SAMPLE_GPU_PRODUCT = 'NVIDIA-A100-SXM4-40GB'

/**
 * The seller's cluster: a control plane (never offered), two amd64 workers and one worker with an
 * NVIDIA A100, with CoreDNS and metrics-server running on the workers.
 */
export function providerClusterObjects(): KubeObject[] {
  return [
    namespace('default'),
    namespace('kube-system'),
    node({ name: 'control-plane', cpu: '4', memory: '8Gi', storage: '50Gi', controlPlane: true }),
    node({ name: 'worker-1', cpu: '8', memory: '16Gi', storage: '100Gi' }),
    node({ name: 'worker-2', cpu: '4', memory: '8Gi', storage: '50Gi' }),
    node({
      name: 'gpu-worker-1',
      cpu: '16',
      memory: '64Gi',
      storage: '200Gi',
      extra: { 'nvidia.com/gpu': '1' },
      labels: {
        'nvidia.com/gpu.present': 'true',
        'nvidia.com/gpu.count': '1',
        'nvidia.com/gpu.product': SAMPLE_GPU_PRODUCT,
        'nvidia.com/gpu.memory': '40960',
        'nvidia.com/gpu.family': 'ampere',
      },
    }),
    systemPod('kube-apiserver-control-plane', 'control-plane', 'registry.k8s.io/kube-apiserver:v1.31.0', { cpu: '250m' }),
    systemPod('coredns-7db6d', 'worker-1', 'registry.k8s.io/coredns/coredns:v1.11.3', { cpu: '100m', memory: '70Mi' }),
    systemPod('metrics-server-5f9f7', 'worker-2', 'registry.k8s.io/metrics-server/metrics-server:v0.7.2', { cpu: '100m', memory: '200Mi' }),
  ]
}

/** The buyer's cluster: one small worker, where offloaded workloads' virtual nodes will appear. */
export function consumerClusterObjects(): KubeObject[] {
  return [
    namespace('default'),
    namespace('kube-system'),
    node({ name: 'worker-1', cpu: '4', memory: '8Gi', storage: '50Gi' }),
    systemPod('coredns-6f8b4', 'worker-1', 'registry.k8s.io/coredns/coredns:v1.11.3', { cpu: '100m', memory: '70Mi' }),
  ]
}
