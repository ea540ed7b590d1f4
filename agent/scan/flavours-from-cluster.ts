import { createHash } from 'node:crypto'
import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node'
import type { Gpu, K8SliceFlavour } from '../../core/flavours/model.ts'
import { maxQuantity, Quantity } from '../../core/quantity/quantity.ts'
import type { AgentConfig } from '../config.ts'

/** The extended resource NVIDIA's device plugin advertises. */
export const GPU_RESOURCE = 'nvidia.com/gpu'
/** Label NVIDIA's GPU feature discovery sets to the product name: the flavour's GPU model. */
export const GPU_PRODUCT_LABEL = 'nvidia.com/gpu.product'
/** Label GPU feature discovery sets to the memory of one GPU in MiB; the flavour offers it times the free GPUs. */
export const GPU_MEMORY_LABEL = 'nvidia.com/gpu.memory'
/**
 * Label and value Liqo v1's ShadowPod controller sets on the pods it creates on this cluster's real nodes
 * for a remote consumer (`consts.ManagedByLabelKey` = `consts.ManagedByShadowPodValue`).
 */
export const LIQO_MANAGED_BY_LABEL = 'liqo.io/managed-by'
export const LIQO_SHADOW_POD_VALUE = 'shadowpod'
/** Label Liqo v1 sets on every object reflected from a consumer, shadow pods included (`forge.LiqoOriginClusterIDKey`): the consumer's cluster ID. */
export const LIQO_ORIGIN_LABEL = 'offloading.liqo.io/origin'
/** Label and value of a Liqo virtual node (`consts.TypeLabel` = `consts.TypeNode`): capacity bought from a provider, never resold. */
export const LIQO_NODE_TYPE_LABEL = 'liqo.io/type'
export const LIQO_VIRTUAL_NODE_VALUE = 'virtual-node'
const ARCH_LABEL = 'kubernetes.io/arch'
const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master']
const TERMINATED_PHASES = new Set(['Succeeded', 'Failed'])
const RESOURCES = ['cpu', 'memory', 'ephemeral-storage', GPU_RESOURCE] as const
type Resource = (typeof RESOURCES)[number]
type Amounts = Record<Resource, Quantity>

const NANOS_PER_UNIT = 1_000_000_000n
const BYTES_PER_MIB = 1_048_576n
const zero = Quantity.zero()

/**
 * Capacity of a node that the caller wants kept out of the offer (a hold or a contract known to it).
 * The scan subtracts it. A contract's workload runs here as Liqo shadow pods, which the scan does not
 * count (see {@link isOffloadedForConsumer}), so its pods never replace a commitment: the caller keeps
 * one for as long as the hold or contract lasts. `runAgent` passes none: the participant's capacity
 * pool already keeps held and sold capacity subtracted from what the scan offers.
 */
export interface NodeCommitment {
  /** The reservation or contract holding the capacity. */
  id: string
  nodeName: string
  cpu?: Quantity
  memory?: Quantity
  pods?: Quantity
  storage?: Quantity
  /** Whole GPUs; their memory follows from the node's memory per GPU. */
  gpus?: Quantity
}

/** What one scan reads: the informers' Nodes and Pods, and the commitments not yet running. */
export interface ClusterSnapshot {
  nodes: readonly V1Node[]
  pods: readonly V1Pod[]
  commitments?: readonly NodeCommitment[]
}

/**
 * The flavour id of a cluster's node: `<domain>-k8slice-<16 hex of sha256(clusterId, nodeName)>`.
 * Stable across scans and restarts, so a refresh replaces the node's flavour instead of adding one,
 * and within the wire id bound for any domain the configuration accepts.
 */
export function flavourIdFor(config: Pick<AgentConfig, 'clusterId' | 'domain'>, nodeName: string): string {
  const hash = createHash('sha256').update(`${config.clusterId}\u0000${nodeName}`).digest('hex').slice(0, 16)
  return `${config.domain}-k8slice-${hash}`
}

const nonNegative = (value: Quantity): Quantity => (value.isNegative() ? Quantity.zero(value.format) : value)

const parseOrZero = (text: string | undefined): Quantity => {
  if (text === undefined) return zero
  try {
    return nonNegative(Quantity.parse(text))
  } catch {
    return zero
  }
}

const noAmounts = (): Amounts => ({ cpu: zero, memory: zero, 'ephemeral-storage': zero, [GPU_RESOURCE]: zero })

const requestsOf = (container: V1Container): Amounts => {
  const requests = container.resources?.requests ?? {}
  return Object.fromEntries(RESOURCES.map((name) => [name, parseOrZero(requests[name])])) as Amounts
}

const add = (a: Amounts, b: Amounts): Amounts => Object.fromEntries(RESOURCES.map((name) => [name, a[name].add(b[name])])) as Amounts
const max = (a: Amounts, b: Amounts): Amounts => Object.fromEntries(RESOURCES.map((name) => [name, maxQuantity(a[name], b[name])])) as Amounts

/**
 * A pod's requests as the scheduler counts them: the larger of its containers plus sidecars and each
 * init container (plus the sidecars started before it), plus the RuntimeClass overhead.
 */
function podRequests(pod: V1Pod): Amounts {
  let sidecars = noAmounts()
  let init = noAmounts()
  for (const container of pod.spec?.initContainers ?? []) {
    if (container.restartPolicy === 'Always') sidecars = add(sidecars, requestsOf(container))
    else init = max(init, add(requestsOf(container), sidecars))
  }
  const containers = (pod.spec?.containers ?? []).reduce((sum, container) => add(sum, requestsOf(container)), sidecars)
  const overhead = pod.spec?.overhead ?? {}
  return add(max(containers, init), Object.fromEntries(RESOURCES.map((name) => [name, parseOrZero(overhead[name])])) as Amounts)
}

/**
 * Whether Liqo runs this pod here for a remote consumer: created by the ShadowPod controller
 * (`liqo.io/managed-by: shadowpod`) or reflected from a consumer (`offloading.liqo.io/origin`). Its
 * requests are capacity already sold, which the participant's pool holds subtracted; counting them
 * again would take them off twice.
 */
export function isOffloadedForConsumer(pod: V1Pod): boolean {
  const labels = pod.metadata?.labels ?? {}
  return labels[LIQO_MANAGED_BY_LABEL] === LIQO_SHADOW_POD_VALUE || Boolean(labels[LIQO_ORIGIN_LABEL])
}

function isEligible(node: V1Node): node is V1Node & { metadata: { name: string } } {
  if (!node.metadata?.name || node.spec?.unschedulable) return false
  const labels = node.metadata.labels ?? {}
  if (CONTROL_PLANE_LABELS.some((label) => label in labels)) return false
  if (labels[LIQO_NODE_TYPE_LABEL] === LIQO_VIRTUAL_NODE_VALUE) return false
  return (node.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True')
}

const wholeUnits = (quantity: Quantity): bigint => (quantity.isNegative() ? 0n : quantity.nanos / NANOS_PER_UNIT)

function gpuMemoryPerDevice(node: V1Node, config: AgentConfig): Quantity {
  const label = node.metadata?.labels?.[GPU_MEMORY_LABEL]
  if (label !== undefined && /^\d{1,12}$/.test(label)) return Quantity.fromNanos(BigInt(label) * BYTES_PER_MIB * NANOS_PER_UNIT, 'BinarySI')
  return config.gpu?.memory ?? zero
}

function gpuOf(node: V1Node, config: AgentConfig, free: Quantity): Gpu | undefined {
  if (parseOrZero(node.status?.allocatable?.[GPU_RESOURCE]).isZero()) return undefined
  const count = wholeUnits(free)
  const perDevice = gpuMemoryPerDevice(node, config)
  return {
    model: node.metadata?.labels?.[GPU_PRODUCT_LABEL] ?? config.gpu?.model ?? '',
    cores: Quantity.fromNanos(count * NANOS_PER_UNIT),
    memory: Quantity.fromNanos(count * perDevice.nanos, perDevice.format),
  }
}

const atLeast = (value: Quantity, min: Quantity): boolean => !value.isZero() && value.cmp(min) >= 0

/**
 * The K8Slice flavours a cluster can offer now, one per schedulable, Ready node that is neither a
 * control plane nor a Liqo virtual node: allocatable capacity minus the requests of the node's
 * non-terminated pods (Liqo's shadow pods for remote consumers excepted) and minus the commitments,
 * never below zero. A node with less than a minimum slice of cpu,
 * memory or pods left is not offered. Pure: the scanner feeds it what its informers hold.
 */
export function flavoursFromCluster(snapshot: ClusterSnapshot, config: AgentConfig, now: Date): K8SliceFlavour[] {
  const used = new Map<string, { amounts: Amounts; pods: Quantity }>()
  const use = (nodeName: string, amounts: Amounts, pods: Quantity) => {
    const current = used.get(nodeName) ?? { amounts: noAmounts(), pods: zero }
    used.set(nodeName, { amounts: add(current.amounts, amounts), pods: current.pods.add(pods) })
  }
  for (const pod of snapshot.pods) {
    const nodeName = pod.spec?.nodeName
    if (!nodeName || TERMINATED_PHASES.has(pod.status?.phase ?? '') || isOffloadedForConsumer(pod)) continue
    use(nodeName, podRequests(pod), Quantity.parse('1'))
  }
  for (const commitment of snapshot.commitments ?? []) {
    const amounts = {
      cpu: commitment.cpu ?? zero,
      memory: commitment.memory ?? zero,
      'ephemeral-storage': commitment.storage ?? zero,
      [GPU_RESOURCE]: commitment.gpus ?? zero,
    }
    use(commitment.nodeName, amounts, commitment.pods ?? zero)
  }

  const flavours: K8SliceFlavour[] = []
  const nodes = snapshot.nodes.filter(isEligible).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0))
  for (const node of nodes) {
    const allocatable = node.status?.allocatable ?? {}
    const taken = used.get(node.metadata.name) ?? { amounts: noAmounts(), pods: zero }
    const free = (name: Resource) => nonNegative(parseOrZero(allocatable[name]).sub(taken.amounts[name]))
    const cpu = free('cpu')
    const memory = free('memory')
    const pods = nonNegative(parseOrZero(allocatable.pods).sub(taken.pods))
    const p = config.partitionability
    if (!atLeast(cpu, p.cpuMin) || !atLeast(memory, p.memoryMin) || !atLeast(pods, p.podsMin)) continue
    const gpu = gpuOf(node, config, free(GPU_RESOURCE))
    const storage = allocatable['ephemeral-storage'] === undefined ? undefined : free('ephemeral-storage')
    flavours.push({
      id: flavourIdFor(config, node.metadata.name),
      providerId: config.owner.id,
      ...(config.networkPropertyType ? { networkPropertyType: config.networkPropertyType } : {}),
      createdAt: now,
      ...(config.location ? { location: config.location } : {}),
      price: config.price,
      owner: config.owner,
      available: true,
      spec: {
        type: 'k8slice',
        characteristics: {
          architecture: node.metadata.labels?.[ARCH_LABEL] ?? node.status?.nodeInfo?.architecture ?? '',
          cpu,
          memory,
          pods,
          ...(gpu ? { gpu } : {}),
          ...(storage ? { storage } : {}),
        },
        properties: config.properties,
        partitionability: config.partitionability,
      },
    })
  }
  return flavours
}
