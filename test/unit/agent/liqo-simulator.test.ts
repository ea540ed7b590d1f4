import { ApiException, CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node'
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node'
import { afterEach, describe, expect, it } from 'vitest'
import { simulateLiqo, startFakeKube } from '../../../local/fake-kube/index.ts'
import type { FakeKube, LiqoSimulatorOptions } from '../../../local/fake-kube/index.ts'

const running: FakeKube[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()))
})

const TENANT = 'liqo-tenant-provider-1'
const RS = { group: 'authentication.liqo.io', version: 'v1beta1', plural: 'resourceslices' }
const VN = { group: 'offloading.liqo.io', version: 'v1beta1', plural: 'virtualnodes' }
const NSOFF = { group: 'offloading.liqo.io', version: 'v1beta1', plural: 'namespaceoffloadings' }

interface Conditioned {
  metadata: { generation?: number }
  spec: Record<string, unknown>
  status?: { conditions?: Array<{ type: string; status: string; reason?: string }>; [key: string]: unknown }
}

const aResourceSlice = (name: string, resources: Record<string, string> = { cpu: '2', memory: '4Gi' }) => ({
  apiVersion: 'authentication.liqo.io/v1beta1',
  kind: 'ResourceSlice',
  metadata: {
    name,
    namespace: TENANT,
    labels: { 'liqo.io/replication': 'true', 'liqo.io/remoteID': 'provider-1', 'liqo.io/remote-cluster-id': 'provider-1' },
    annotations: { 'liqo.io/create-virtual-node': 'true' },
  },
  spec: { class: 'default', providerClusterID: 'provider-1', resources },
})

const aNamespaceOffloading = (namespace: string, clusterId = 'provider-1') => ({
  apiVersion: 'offloading.liqo.io/v1beta1',
  kind: 'NamespaceOffloading',
  metadata: { name: 'offloading', namespace },
  spec: {
    namespaceMappingStrategy: 'EnforceSameName',
    podOffloadingStrategy: 'Remote',
    clusterSelector: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'liqo.io/remote-cluster-id', operator: 'In', values: [clusterId] }] }] },
  },
})

const aPod = (name: string, spec: Partial<NonNullable<V1Pod['spec']>> = {}, namespace = 'default'): V1Pod => ({
  metadata: { name, namespace },
  spec: { containers: [{ name: 'main', image: 'busybox' }], ...spec },
})

const aManualTimer = () => {
  let now = 0
  const queue: Array<{ at: number; run: () => void }> = []
  return {
    timer: (run: () => void, ms: number) => void queue.push({ at: now + ms, run }),
    advance: (ms: number) => {
      now += ms
      for (let due = queue.find((t) => t.at <= now); due; due = queue.find((t) => t.at <= now)) {
        queue.splice(queue.indexOf(due), 1)
        due.run()
      }
    },
  }
}

const statusOf = async (call: Promise<unknown>) => {
  try {
    await call
  } catch (error) {
    if (error instanceof ApiException) return error.code
    throw error
  }
  return 200
}

describe('simulateLiqo', () => {
  describe('a ResourceSlice', () => {
    it('is accepted as Liqo accepts it, with the defaults for resources left out', async () => {
      const { custom } = await setup()
      await custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1') })
      const slice = (await custom.getNamespacedCustomObject({ ...RS, namespace: TENANT, name: 'contract-1' })) as Conditioned
      expect(slice.status).toEqual({
        conditions: [
          { type: 'Authentication', status: 'Accepted', reason: 'ResourceSliceAuthenticationAccepted', message: 'ResourceSlice authentication accepted' },
          { type: 'Resources', status: 'Accepted', reason: 'ResourceSliceResourcesAccepted', message: 'ResourceSlice resources accepted' },
        ],
        resources: { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '20Gi' },
      })
    })

    it('yields a Running VirtualNode and a Ready virtual Node of its size', async () => {
      const { core, custom } = await setup()
      await custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1') })
      const virtualNode = (await custom.getNamespacedCustomObject({ ...VN, namespace: TENANT, name: 'contract-1' })) as Conditioned & KubernetesObject
      expect(virtualNode.metadata?.labels).toMatchObject({ 'liqo.io/resourceslice-name': 'contract-1' })
      expect(virtualNode.metadata?.ownerReferences).toMatchObject([{ kind: 'ResourceSlice', name: 'contract-1' }])
      expect(virtualNode.spec).toMatchObject({ clusterID: 'provider-1', createNode: true, resourceQuota: { hard: { cpu: '2', memory: '4Gi' } } })
      expect(virtualNode.status?.conditions).toEqual([
        { type: 'VirtualKubelet', status: 'Running' },
        { type: 'Node', status: 'Running' },
      ])
      const node = await core.readNode({ name: 'contract-1' })
      expect(node.metadata?.labels).toMatchObject({ 'liqo.io/type': 'virtual-node', 'liqo.io/remote-cluster-id': 'provider-1', 'kubernetes.io/os': 'linux' })
      expect(node.spec?.taints).toEqual([{ key: 'virtual-node.liqo.io/not-allowed', value: 'true', effect: 'NoExecute' }])
      expect(node.status?.allocatable).toEqual({ cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '20Gi' })
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True')
    })

    it('resizes its virtual node when its resources are merge-patched, dropping removed ones', async () => {
      const { core, custom } = await setup()
      await custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1', { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' }) })
      await custom.patchNamespacedCustomObject(
        { ...RS, namespace: TENANT, name: 'contract-1', body: { spec: { resources: { cpu: '6', 'nvidia.com/gpu': null } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      const slice = (await custom.getNamespacedCustomObject({ ...RS, namespace: TENANT, name: 'contract-1' })) as Conditioned
      expect(slice.status?.['resources']).toEqual({ cpu: '6', memory: '4Gi', pods: '110', 'ephemeral-storage': '20Gi' })
      expect((await core.readNode({ name: 'contract-1' })).status?.allocatable).toEqual({ cpu: '6', memory: '4Gi', pods: '110', 'ephemeral-storage': '20Gi' })
    })

    it('takes its VirtualNode and Node with it when deleted', async () => {
      const { core, custom } = await setup()
      await custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1') })
      await custom.deleteNamespacedCustomObject({ ...RS, namespace: TENANT, name: 'contract-1' })
      expect(await statusOf(custom.getNamespacedCustomObject({ ...VN, namespace: TENANT, name: 'contract-1' }))).toBe(404)
      expect(await statusOf(core.readNode({ name: 'contract-1' }))).toBe(404)
    })

    it('stays unaccepted, with no virtual node, when its controller fails', async () => {
      const { core, custom } = await setup({ fail: { ResourceSlice: true } })
      await custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1') })
      expect(((await custom.getNamespacedCustomObject({ ...RS, namespace: TENANT, name: 'contract-1' })) as Conditioned).status).toBeUndefined()
      expect(await statusOf(custom.getNamespacedCustomObject({ ...VN, namespace: TENANT, name: 'contract-1' }))).toBe(404)
      expect((await core.listNode()).items).toEqual([])
    })

    it('gets Resources Denied, with no virtual node, when its controller denies', async () => {
      const { custom } = await setup({ fail: { ResourceSlice: 'denied' } })
      await custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1') })
      const slice = (await custom.getNamespacedCustomObject({ ...RS, namespace: TENANT, name: 'contract-1' })) as Conditioned
      expect(slice.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
        ['Authentication', 'Accepted', 'ResourceSliceAuthenticationAccepted'],
        ['Resources', 'Denied', 'ResourceSliceResourcesDenied'],
      ])
      expect(await statusOf(custom.getNamespacedCustomObject({ ...VN, namespace: TENANT, name: 'contract-1' }))).toBe(404)
    })

    it('leaves its VirtualNode Creating and registers no Node when the virtual node controller fails', async () => {
      const { core, custom } = await setup({ fail: { VirtualNode: true } })
      await custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1') })
      const virtualNode = (await custom.getNamespacedCustomObject({ ...VN, namespace: TENANT, name: 'contract-1' })) as Conditioned
      expect(virtualNode.status?.conditions?.map((c) => c.status)).toEqual(['Creating', 'Creating'])
      expect(await statusOf(core.readNode({ name: 'contract-1' }))).toBe(404)
    })

    it('holds each step back until the timer advances by the delay', async () => {
      const clock = aManualTimer()
      const { core, custom } = await setup({ delayMs: 1000, timer: clock.timer })
      await custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1') })
      const slice = async () => (await custom.getNamespacedCustomObject({ ...RS, namespace: TENANT, name: 'contract-1' })) as Conditioned
      clock.advance(999)
      expect((await slice()).status).toBeUndefined()
      clock.advance(1)
      expect((await slice()).status?.conditions?.map((c) => c.status)).toEqual(['Accepted', 'Accepted'])
      const virtualNode = (await custom.getNamespacedCustomObject({ ...VN, namespace: TENANT, name: 'contract-1' })) as Conditioned
      expect(virtualNode.status?.conditions?.map((c) => c.status)).toEqual(['Creating', 'Creating'])
      expect(await statusOf(core.readNode({ name: 'contract-1' }))).toBe(404)
      clock.advance(1000)
      expect((await core.readNode({ name: 'contract-1' })).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True')
    })

    async function setup(options: LiqoSimulatorOptions = {}) {
      return start(options)
    }
  })

  describe('a NamespaceOffloading', () => {
    it('becomes Ready for the generation it saw when a virtual node matches its cluster selector', async () => {
      const { custom } = await setup()
      await custom.createNamespacedCustomObject({ ...NSOFF, namespace: 'workload', body: aNamespaceOffloading('workload') })
      const offloading = (await custom.getNamespacedCustomObject({ ...NSOFF, namespace: 'workload', name: 'offloading' })) as Conditioned
      expect(offloading.status).toMatchObject({
        offloadingPhase: 'Ready',
        remoteNamespaceName: 'workload',
        observedGeneration: offloading.metadata.generation,
        remoteNamespacesConditions: { 'provider-1': [{ type: 'OffloadingRequired', status: 'True' }, { type: 'Ready', status: 'True' }] },
      })
    })

    it('follows a merge-patched cluster selector, observing the new generation', async () => {
      const { custom, objects } = await setup()
      await custom.createNamespacedCustomObject({ ...NSOFF, namespace: 'workload', body: aNamespaceOffloading('workload') })
      const patch = { ...aNamespaceOffloading('workload', 'elsewhere'), metadata: { name: 'offloading', namespace: 'workload' } }
      await objects.patch(patch, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch)
      const offloading = (await custom.getNamespacedCustomObject({ ...NSOFF, namespace: 'workload', name: 'offloading' })) as Conditioned
      expect(offloading.metadata.generation).toBe(2)
      expect(offloading.status).toMatchObject({ offloadingPhase: 'NoClusterSelected', observedGeneration: 2, remoteNamespacesConditions: {} })
    })

    it('is NoClusterSelected when no virtual node matches, and InProgress when its controller fails', async () => {
      const first = await setup()
      await first.custom.createNamespacedCustomObject({ ...NSOFF, namespace: 'workload', body: aNamespaceOffloading('workload', 'elsewhere') })
      const unmatched = (await first.custom.getNamespacedCustomObject({ ...NSOFF, namespace: 'workload', name: 'offloading' })) as Conditioned
      expect(unmatched.status?.['offloadingPhase']).toBe('NoClusterSelected')
      const failing = await setup({ fail: { NamespaceOffloading: true } })
      await failing.custom.createNamespacedCustomObject({ ...NSOFF, namespace: 'workload', body: aNamespaceOffloading('workload') })
      const stuck = (await failing.custom.getNamespacedCustomObject({ ...NSOFF, namespace: 'workload', name: 'offloading' })) as Conditioned
      expect(stuck.status?.['offloadingPhase']).toBe('InProgress')
    })

    async function setup(options: LiqoSimulatorOptions = {}) {
      const started = await start(options)
      await started.custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1') })
      return started
    }
  })

  describe('a pod', () => {
    it('runs and is Ready when bound to the virtual node', async () => {
      const { core } = await setup()
      await core.createNamespacedPod({ namespace: 'default', body: aPod('web', { nodeName: 'contract-1' }) })
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'web' })
      expect(pod.status?.phase).toBe('Running')
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True')
      expect(pod.status?.containerStatuses?.map((c) => [c.name, c.ready])).toEqual([['main', true]])
    })

    it('is scheduled to the virtual node and runs in an offloaded namespace with a node selector for it', async () => {
      const { core, custom } = await setup()
      await custom.createNamespacedCustomObject({ ...NSOFF, namespace: 'workload', body: aNamespaceOffloading('workload') })
      await core.createNamespacedPod({ namespace: 'workload', body: aPod('web', { nodeSelector: { 'liqo.io/type': 'virtual-node' } }, 'workload') })
      const pod = await core.readNamespacedPod({ namespace: 'workload', name: 'web' })
      expect([pod.spec?.nodeName, pod.status?.phase]).toEqual(['contract-1', 'Running'])
    })

    it('stays Pending off the virtual node, and on it when the pod controller fails', async () => {
      const first = await setup()
      await first.core.createNamespacedPod({ namespace: 'default', body: aPod('web', { nodeName: 'worker-1' }) })
      expect((await first.core.readNamespacedPod({ namespace: 'default', name: 'web' })).status?.phase).toBe('Pending')
      const failing = await setup({ fail: { Pod: true } })
      await failing.core.createNamespacedPod({ namespace: 'default', body: aPod('web', { nodeName: 'contract-1' }) })
      expect((await failing.core.readNamespacedPod({ namespace: 'default', name: 'web' })).status?.phase).toBe('Pending')
    })

    async function setup(options: LiqoSimulatorOptions = {}) {
      const started = await start(options)
      await started.custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1') })
      return started
    }
  })
})

async function start(options: LiqoSimulatorOptions = {}) {
  const fake = await startFakeKube()
  running.push(fake)
  simulateLiqo(fake, options)
  const kc = new KubeConfig()
  kc.loadFromOptions(fake.kubeconfig.options)
  return { fake, core: kc.makeApiClient(CoreV1Api), custom: kc.makeApiClient(CustomObjectsApi), objects: KubernetesObjectApi.makeApiClient(kc) }
}
