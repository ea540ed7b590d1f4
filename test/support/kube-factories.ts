import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node'

interface NodeOptions {
  name?: string
  labels?: Record<string, string>
  allocatable?: Record<string, string>
  ready?: boolean | 'Unknown'
  unschedulable?: boolean
}

/** A worker node as the kubelet reports it: Ready, schedulable, amd64, 8 CPUs, 16Gi, 110 pods, 100Gi disk. */
export const aNode = (options: NodeOptions = {}): V1Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: options.name ?? 'worker-1',
    labels: { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', ...options.labels },
  },
  spec: options.unschedulable === undefined ? {} : { unschedulable: options.unschedulable },
  status: {
    allocatable: { cpu: '8', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi', ...options.allocatable },
    conditions: [
      { type: 'MemoryPressure', status: 'False' },
      { type: 'Ready', status: options.ready === undefined ? 'True' : options.ready === true ? 'True' : options.ready === false ? 'False' : 'Unknown' },
    ],
  },
})

/** A node with NVIDIA GPUs labelled as GPU feature discovery labels them. */
export const aGpuNode = (options: NodeOptions & { gpus?: string; product?: string; memoryMiB?: string } = {}): V1Node =>
  aNode({
    ...options,
    labels: {
      'nvidia.com/gpu.product': options.product ?? 'NVIDIA-A100-SXM4-40GB',
      'nvidia.com/gpu.memory': options.memoryMiB ?? '40960',
      ...options.labels,
    },
    allocatable: { 'nvidia.com/gpu': options.gpus ?? '2', ...options.allocatable },
  })

interface PodOptions {
  name?: string
  nodeName?: string | undefined
  phase?: string
  requests?: Record<string, string>
  containers?: Record<string, string>[]
  initContainers?: { requests: Record<string, string>; sidecar?: boolean }[]
  overhead?: Record<string, string>
}

const container = (name: string, requests: Record<string, string>, restartPolicy?: string): V1Container => ({
  name,
  image: 'registry.example/app:1',
  resources: { requests },
  ...(restartPolicy ? { restartPolicy } : {}),
})

/** A pod bound to `worker-1`, Running, one container requesting `requests` (none by default). */
export const aPod = (options: PodOptions = {}): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: options.name ?? 'app-1', namespace: 'default' },
  spec: {
    ...('nodeName' in options ? (options.nodeName === undefined ? {} : { nodeName: options.nodeName }) : { nodeName: 'worker-1' }),
    containers: (options.containers ?? [options.requests ?? {}]).map((requests, index) => container(`c${index}`, requests)),
    ...(options.initContainers
      ? { initContainers: options.initContainers.map((init, index) => container(`i${index}`, init.requests, init.sidecar ? 'Always' : undefined)) }
      : {}),
    ...(options.overhead ? { overhead: options.overhead } : {}),
  },
  status: { phase: options.phase ?? 'Running' },
})
