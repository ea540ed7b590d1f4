import { describe, expect, it } from 'vitest'
import type { V1Node, V1Pod } from '@kubernetes/client-node'
import type { AgentConfig } from '../../../agent/config.ts'
import type { NodeCommitment } from '../../../agent/scan/flavours-from-cluster.ts'
import {
  flavourIdFor,
  flavoursFromCluster,
  LIQO_MANAGED_BY_LABEL,
  LIQO_NODE_TYPE_LABEL,
  LIQO_ORIGIN_LABEL,
  LIQO_SHADOW_POD_VALUE,
  LIQO_VIRTUAL_NODE_VALUE,
} from '../../../agent/scan/flavours-from-cluster.ts'
import type { K8SliceFlavour } from '../../../core/flavours/model.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { wireId } from '../../../core/wire/wire-object.ts'
import { aGpuNode, aNode, aPod } from '../../support/kube-factories.ts'

const q = Quantity.parse
const NOW = new Date('2026-11-23T12:00:00Z')

describe(flavoursFromCluster.name, () => {
  describe('a worker node', () => {
    it('is offered whole when no pod runs on it, with the configured terms', () => {
      const { scan, config } = setup()
      const [flavour, ...others] = scan({ nodes: [aNode()] })
      expect(others).toEqual([])
      expect(sizes(flavour)).toEqual({ architecture: 'amd64', cpu: '8', memory: '16Gi', pods: '110', storage: '100Gi' })
      expect(flavour).toMatchObject({
        id: flavourIdFor(config, 'worker-1'),
        providerId: 'provider-1',
        owner: config.owner,
        price: config.price,
        location: config.location,
        networkPropertyType: 'networkProperty',
        createdAt: NOW,
        available: true,
      })
      expect(flavour!.spec.properties).toEqual(config.properties)
      expect(flavour!.spec.partitionability).toBe(config.partitionability)
      expect(flavour!.spec.characteristics.gpu).toBeUndefined()
    })

    it('takes its architecture from the kubernetes.io/arch label', () => {
      const { scan } = setup()
      expect(sizes(scan({ nodes: [aNode({ labels: { 'kubernetes.io/arch': 'arm64' } })] })[0]).architecture).toBe('arm64')
    })

    it('leaves storage out when the node reports no ephemeral storage', () => {
      const { scan } = setup()
      const node = aNode()
      delete node.status!.allocatable!['ephemeral-storage']
      expect(scan({ nodes: [node] })[0]!.spec.characteristics.storage).toBeUndefined()
    })

    it('gives one flavour per node, ordered by node name', () => {
      const { scan, config } = setup()
      const flavours = scan({ nodes: [aNode({ name: 'worker-b' }), aNode({ name: 'worker-a' })] })
      expect(flavours.map((f) => f.id)).toEqual([flavourIdFor(config, 'worker-a'), flavourIdFor(config, 'worker-b')])
    })
  })

  describe('pods on the node', () => {
    it('subtract their container requests and count against pods', () => {
      const { scan } = setup()
      const pods = [
        aPod({ name: 'a', requests: { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '10Gi' } }),
        aPod({ name: 'b', containers: [{ cpu: '250m', memory: '512Mi' }, { cpu: '250m', memory: '512Mi' }] }),
        aPod({ name: 'c' }),
      ]
      expect(sizes(scan({ nodes: [aNode()], pods })[0])).toMatchObject({ cpu: '7', memory: '14Gi', pods: '107', storage: '90Gi' })
    })

    it('count what the scheduler counts: the larger of init containers and containers, plus overhead', () => {
      const { scan } = setup()
      const pods = [
        aPod({ name: 'init', requests: { cpu: '1' }, initContainers: [{ requests: { cpu: '3', memory: '1Gi' } }] }),
        aPod({ name: 'sidecar', requests: { cpu: '1' }, initContainers: [{ requests: { cpu: '500m' }, sidecar: true }] }),
        aPod({ name: 'overhead', requests: { cpu: '1' }, overhead: { cpu: '250m', memory: '128Mi' } }),
      ]
      expect(sizes(scan({ nodes: [aNode()], pods })[0])).toMatchObject({ cpu: '2250m', memory: '15232Mi' })
    })

    it('are ignored once terminated, but counted while pending', () => {
      const { scan } = setup()
      const pods = [
        aPod({ name: 'done', phase: 'Succeeded', requests: { cpu: '1' } }),
        aPod({ name: 'failed', phase: 'Failed', requests: { cpu: '1' } }),
        aPod({ name: 'starting', phase: 'Pending', requests: { cpu: '2' } }),
      ]
      expect(sizes(scan({ nodes: [aNode()], pods })[0])).toMatchObject({ cpu: '6', pods: '109' })
    })

    it('on other nodes or not yet bound do not count', () => {
      const { scan } = setup()
      const pods = [aPod({ name: 'elsewhere', nodeName: 'worker-2', requests: { cpu: '4' } }), aPod({ name: 'unbound', nodeName: undefined, requests: { cpu: '4' } })]
      expect(sizes(scan({ nodes: [aNode()], pods })[0])).toMatchObject({ cpu: '8', pods: '110' })
    })

    it('never drive a resource below zero', () => {
      const { scan } = setup()
      const pods = [aPod({ requests: { cpu: '1', 'ephemeral-storage': '200Gi' } })]
      expect(sizes(scan({ nodes: [aNode()], pods })[0])).toMatchObject({ cpu: '7', storage: '0' })
    })

    it('that use up cpu, memory or pods leave nothing to offer', () => {
      const { scan } = setup()
      expect(scan({ nodes: [aNode()], pods: [aPod({ requests: { cpu: '9' } })] })).toEqual([])
      expect(scan({ nodes: [aNode({ allocatable: { pods: '1' } })], pods: [aPod()] })).toEqual([])
      expect(scan({ nodes: [aNode()], pods: [aPod({ requests: { cpu: '7500m' } })] })).toEqual([])
    })
  })

  describe('a cluster that changes', () => {
    it('replaces a node flavour under the same id, and drops a removed node', () => {
      const { scan, config } = setup()
      const before = scan({ nodes: [aNode({ name: 'worker-1' }), aNode({ name: 'worker-2' })] })
      const after = scan({ nodes: [aNode({ name: 'worker-1', allocatable: { cpu: '4' } })], pods: [aPod({ requests: { memory: '2Gi' } })] })
      expect(before.map((f) => f.id)).toEqual([flavourIdFor(config, 'worker-1'), flavourIdFor(config, 'worker-2')])
      expect(after.map((f) => f.id)).toEqual([flavourIdFor(config, 'worker-1')])
      expect(sizes(after[0])).toMatchObject({ cpu: '4', memory: '14Gi', pods: '109' })
    })

    it('gives the capacity of a deleted pod back', () => {
      const { scan } = setup()
      expect(sizes(scan({ nodes: [aNode()], pods: [aPod({ requests: { cpu: '2' } })] })[0]).cpu).toBe('6')
      expect(sizes(scan({ nodes: [aNode()], pods: [] })[0]).cpu).toBe('8')
    })

    it('offers a node that was added', () => {
      const { scan, config } = setup()
      expect(scan({ nodes: [aNode(), aNode({ name: 'worker-9' })] }).map((f) => f.id)).toContain(flavourIdFor(config, 'worker-9'))
    })
  })

  describe('a node that cannot take work', () => {
    it.each<[string, V1Node]>([
      ['cordoned', aNode({ unschedulable: true })],
      ['NotReady', aNode({ ready: false })],
      ['of unknown readiness', aNode({ ready: 'Unknown' })],
      ['without a Ready condition', { ...aNode(), status: { allocatable: { cpu: '8', memory: '16Gi', pods: '110' } } }],
      ['a control-plane node', aNode({ labels: { 'node-role.kubernetes.io/control-plane': '' } })],
      ['a master node', aNode({ labels: { 'node-role.kubernetes.io/master': '' } })],
      ['a node without a name', { ...aNode(), metadata: {} }],
    ])('gets no flavour when %s', (_case, node) => {
      const { scan } = setup()
      expect(scan({ nodes: [node, aNode({ name: 'worker-2' })] }).map((f) => sizes(f).architecture)).toHaveLength(1)
    })

    it('is offered again once uncordoned', () => {
      const { scan } = setup()
      expect(scan({ nodes: [aNode({ unschedulable: false })] })).toHaveLength(1)
    })
  })

  describe('GPUs', () => {
    it('are offered by count, product label and total memory from the per-GPU MiB label', () => {
      const { scan } = setup()
      const gpu = scan({ nodes: [aGpuNode()] })[0]!.spec.characteristics.gpu
      expect(gpu).toEqual({ model: 'NVIDIA-A100-SXM4-40GB', cores: q('2'), memory: q('80Gi') })
      expect(gpu!.memory.toString()).toBe('80Gi')
    })

    it('requested by pods are not offered again', () => {
      const { scan } = setup()
      const pods = [aPod({ requests: { 'nvidia.com/gpu': '1' } }), aPod({ name: 'done', phase: 'Succeeded', requests: { 'nvidia.com/gpu': '1' } })]
      const gpu = scan({ nodes: [aGpuNode({ gpus: '4' })], pods })[0]!.spec.characteristics.gpu!
      expect([gpu.cores.toString(), gpu.memory.toString()]).toEqual(['3', '120Gi'])
    })

    it('all in use leave the GPU at zero while the rest stays on offer', () => {
      const { scan } = setup()
      const gpu = scan({ nodes: [aGpuNode({ gpus: '1' })], pods: [aPod({ requests: { 'nvidia.com/gpu': '2' } })] })[0]!.spec.characteristics.gpu!
      expect([gpu.cores.toString(), gpu.memory.toString()]).toEqual(['0', '0'])
    })

    it('without feature discovery labels take the configured defaults', () => {
      const { scan } = setup({ gpu: { model: 'nvidia-t4', memory: q('16Gi') } })
      const node = aNode({ allocatable: { 'nvidia.com/gpu': '2' } })
      expect(scan({ nodes: [node] })[0]!.spec.characteristics.gpu).toEqual({ model: 'nvidia-t4', cores: q('2'), memory: q('32Gi') })
    })

    it('with an unreadable memory label and no default have no memory offered', () => {
      const { scan } = setup()
      const gpu = scan({ nodes: [aGpuNode({ memoryMiB: 'lots' })] })[0]!.spec.characteristics.gpu!
      expect([gpu.model, gpu.cores.toString(), gpu.memory.toString()]).toEqual(['NVIDIA-A100-SXM4-40GB', '2', '0'])
    })

    it('are absent from nodes that have none', () => {
      const { scan } = setup()
      expect(scan({ nodes: [aNode({ allocatable: { 'nvidia.com/gpu': '0' } })] })[0]!.spec.characteristics.gpu).toBeUndefined()
    })
  })

  describe('Liqo offloading', () => {
    const labelled = (pod: V1Pod, labels: Record<string, string>): V1Pod => ({ ...pod, metadata: { ...pod.metadata, labels } })
    const shadowPod = (labels: Record<string, string>) => labelled(aPod({ name: 'shadow', requests: { cpu: '2', memory: '2Gi' } }), labels)

    it('does not count a shadow pod run for a remote consumer: its capacity is already sold', () => {
      const { scan } = setup()
      const without = sizes(scan({ nodes: [aNode()] })[0])
      const byController = shadowPod({ [LIQO_MANAGED_BY_LABEL]: LIQO_SHADOW_POD_VALUE, [LIQO_ORIGIN_LABEL]: 'consumer-cluster' })
      expect(sizes(scan({ nodes: [aNode()], pods: [byController] })[0])).toEqual(without)
      expect(sizes(scan({ nodes: [aNode()], pods: [shadowPod({ [LIQO_MANAGED_BY_LABEL]: LIQO_SHADOW_POD_VALUE })] })[0])).toEqual(without)
      expect(sizes(scan({ nodes: [aNode()], pods: [shadowPod({ [LIQO_ORIGIN_LABEL]: 'consumer-cluster' })] })[0])).toEqual(without)
    })

    it('still subtracts an ordinary pod beside a shadow pod, and one managed by something else', () => {
      const { scan } = setup()
      const pods = [
        shadowPod({ [LIQO_MANAGED_BY_LABEL]: LIQO_SHADOW_POD_VALUE, [LIQO_ORIGIN_LABEL]: 'consumer-cluster' }),
        aPod({ name: 'ordinary', requests: { cpu: '2', memory: '2Gi' } }),
        labelled(aPod({ name: 'other', requests: { cpu: '1' } }), { [LIQO_MANAGED_BY_LABEL]: 'shadowendpointslice' }),
      ]
      expect(sizes(scan({ nodes: [aNode()], pods })[0])).toMatchObject({ cpu: '5', memory: '14Gi', pods: '108' })
    })

    it('does not offer a Liqo virtual node: that capacity was bought from a provider', () => {
      const { scan } = setup()
      expect(scan({ nodes: [aNode({ name: 'liqo-provider', labels: { [LIQO_NODE_TYPE_LABEL]: LIQO_VIRTUAL_NODE_VALUE } })] })).toEqual([])
    })
  })

  describe('commitments (capacity held or sold, known to the caller)', () => {
    it('is subtracted from its node and never re-offered', () => {
      const { scan } = setup()
      const commitments: NodeCommitment[] = [
        { id: 'contract-1', nodeName: 'worker-1', cpu: q('2'), memory: q('4Gi'), pods: q('10'), storage: q('20Gi'), gpus: q('1') },
        { id: 'reservation-1', nodeName: 'worker-1', cpu: q('1') },
        { id: 'contract-2', nodeName: 'worker-2', cpu: q('4') },
      ]
      const flavour = scan({ nodes: [aGpuNode()], pods: [aPod({ requests: { cpu: '1' } })], commitments })[0]!
      expect(sizes(flavour)).toMatchObject({ cpu: '4', memory: '12Gi', pods: '99', storage: '80Gi' })
      expect(flavour.spec.characteristics.gpu?.cores.toString()).toBe('1')
      expect(flavour.spec.characteristics.gpu?.memory.toString()).toBe('40Gi')
    })

    it('that covers the whole node leaves no flavour', () => {
      const { scan } = setup()
      expect(scan({ nodes: [aNode()], commitments: [{ id: 'contract-1', nodeName: 'worker-1', cpu: q('8') }] })).toEqual([])
    })
  })

  describe(flavourIdFor.name, () => {
    it('is stable per cluster and node, distinct across them, and a wire id', () => {
      const { config } = setup()
      const id = flavourIdFor(config, 'worker-1')
      expect(id).toMatch(/^provider\.local-k8slice-[0-9a-f]{16}$/)
      expect(flavourIdFor({ ...config }, 'worker-1')).toBe(id)
      expect(flavourIdFor(config, 'worker-2')).not.toBe(id)
      expect(flavourIdFor({ ...config, clusterId: 'cluster-b' }, 'worker-1')).not.toBe(id)
      expect(wireId.safeParse(flavourIdFor({ ...config, domain: 'd'.repeat(231) }, 'n'.repeat(253))).success).toBe(true)
    })
  })

  function sizes(flavour: K8SliceFlavour | undefined) {
    const c = flavour!.spec.characteristics
    return {
      architecture: c.architecture,
      cpu: c.cpu.toString(),
      memory: c.memory.toString(),
      pods: c.pods.toString(),
      ...(c.storage ? { storage: c.storage.toString() } : {}),
    }
  }

  function setup(overrides: Partial<AgentConfig> = {}) {
    const config: AgentConfig = {
      clusterId: 'cluster-a',
      domain: 'provider.local',
      owner: { id: 'provider-1', ip: '127.0.0.1:30001', domain: 'provider.local' },
      location: { latitude: '45.07', longitude: '7.69', country: 'Italy', city: 'Turin' },
      price: { amount: '0.04', currency: 'EUR', period: 'hourly' },
      properties: { latency: 10, securityStandards: ['GDPR'] },
      partitionability: { cpuMin: q('1'), memoryMin: q('1Gi'), podsMin: q('1'), cpuStep: q('1'), memoryStep: q('512Mi'), podsStep: q('1') },
      networkPropertyType: 'networkProperty',
      scan: { debounceMs: 2000 },
      ...overrides,
    }
    const scan = (input: { nodes: V1Node[]; pods?: V1Pod[]; commitments?: NodeCommitment[] }) =>
      flavoursFromCluster({ nodes: input.nodes, pods: input.pods ?? [], commitments: input.commitments ?? [] }, config, NOW)
    return { config, scan }
  }
})
