import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { CertificationRequest } from '@peculiar/asn1-csr'
import { AsnConvert } from '@peculiar/asn1-schema'
import { ApiException, AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node'
import type { KubernetesObject, V1Deployment, V1Pod, V1Secret } from '@kubernetes/client-node'
import { afterEach, describe, expect, it } from 'vitest'
import { simulateLiqo, startFakeKube } from '../../../local/fake-kube/index.ts'
import type { FakeKube, LiqoSimulatorOptions } from '../../../local/fake-kube/index.ts'
import { forgeTenant } from '../../../agent/commands/tenant.ts'

const running: FakeKube[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()))
})

const TENANT = 'liqo-tenant-provider-1'
const RS = { group: 'authentication.liqo.io', version: 'v1beta1', plural: 'resourceslices' }
const VN = { group: 'offloading.liqo.io', version: 'v1beta1', plural: 'virtualnodes' }
const NSOFF = { group: 'offloading.liqo.io', version: 'v1beta1', plural: 'namespaceoffloadings' }

interface Conditioned {
  metadata: { name?: string; generation?: number; labels?: Record<string, string> }
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

const PROVIDER_TENANT = 'liqo-tenant-consumer-1'
const NET = { group: 'ipam.liqo.io', version: 'v1alpha1', plural: 'networks' }
const CONF = { group: 'networking.liqo.io', version: 'v1beta1', plural: 'configurations' }
const GWS = { group: 'networking.liqo.io', version: 'v1beta1', plural: 'gatewayservers' }
const GWC = { group: 'networking.liqo.io', version: 'v1beta1', plural: 'gatewayclients' }
const PK = { group: 'networking.liqo.io', version: 'v1beta1', plural: 'publickeies' }
const CONN = { group: 'networking.liqo.io', version: 'v1beta1', plural: 'connections' }
const TN = { group: 'authentication.liqo.io', version: 'v1beta1', plural: 'tenants' }
const ID = { group: 'authentication.liqo.io', version: 'v1beta1', plural: 'identities' }

const text = (data: string | undefined) => Buffer.from(data ?? '', 'base64').toString()
const bytes = (data: string | undefined) => Buffer.from(data ?? '', 'base64')

const aConfiguration = (remote: string, namespace: string) => ({
  apiVersion: 'networking.liqo.io/v1beta1',
  kind: 'Configuration',
  metadata: { name: remote, namespace, labels: { 'liqo.io/remote-cluster-id': remote } },
  spec: { remote: { cidr: { pod: ['10.200.0.0/16'], external: ['10.80.0.0/16'] } } },
})

const aGateway = (kind: 'GatewayServer' | 'GatewayClient', remote: string, namespace: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'networking.liqo.io/v1beta1',
  kind,
  metadata: { name: remote, namespace, labels: { 'liqo.io/remote-cluster-id': remote } },
  spec: { mtu: 1340, ...spec },
})

const aPublicKey = (remote: string, namespace: string) => ({
  apiVersion: 'networking.liqo.io/v1beta1',
  kind: 'PublicKey',
  metadata: { name: remote, namespace, labels: { 'liqo.io/remote-cluster-id': remote } },
  spec: { publicKey: Buffer.from('d2lyZWd1YXJkLXB1YmxpYy1rZXktb2YtdGhlLXBlZXI=').toString('base64') },
})

const aTenant = (consumer: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'authentication.liqo.io/v1beta1',
  kind: 'Tenant',
  metadata: { name: consumer, namespace: `liqo-tenant-${consumer}`, labels: { 'liqo.io/remote-cluster-id': consumer } },
  spec: { clusterID: consumer, publicKey: 'cHVibGlj', csr: 'Y3Ny', signature: 'c2lnbmF0dXJl', authzPolicy: 'KeysExchange', tenantCondition: 'Active', ...spec },
})

const keyPair = () => generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
const CONSUMER_KEYS = keyPair()
const OTHER_KEYS = keyPair()

/** A Tenant spec as Liqo forges it for `clusterId` with `keys`, its signature over `signedNonce` (by default the provider's nonce as issued). */
const aForgedTenant = (keys: { privateKey: string; publicKey: string }, nonce: string, clusterId = 'consumer-1', signedNonce?: string) =>
  forgeTenant({
    clusterId,
    privateKeyPem: keys.privateKey,
    publicKeyPem: keys.publicKey,
    signature: sign(null, signedNonce === undefined ? Buffer.from(nonce, 'base64') : Buffer.from(signedNonce), keys.privateKey),
  })

/** The same CSR (base64 PEM) with its signature made by another key. */
const resignedCsr = (csr: string, keys: { privateKey: string }) => {
  const request = AsnConvert.parse(Buffer.from(Buffer.from(csr, 'base64').toString().replace(/-----[^-]+-----|\s/g, ''), 'base64'), CertificationRequest)
  request.signature = new Uint8Array(sign(null, Buffer.from(request.certificationRequestInfoRaw!), keys.privateKey)).buffer
  const der = Buffer.from(AsnConvert.serialize(request)).toString('base64')
  return Buffer.from(`-----BEGIN CERTIFICATE REQUEST-----\n${der}\n-----END CERTIFICATE REQUEST-----\n`).toString('base64')
}

const anIdentity = (provider: string, authParams?: Record<string, string>) => ({
  apiVersion: 'authentication.liqo.io/v1beta1',
  kind: 'Identity',
  metadata: { name: `controlplane-${provider}`, namespace: `liqo-tenant-${provider}`, labels: { 'liqo.io/remote-cluster-id': provider } },
  spec: { clusterID: provider, type: 'ControlPlane', ...(authParams ? { authParams } : {}) },
})

const aNonceSecret = (remote: string, namespace: string, signed = false, nonce?: string): V1Secret => ({
  metadata: {
    name: signed ? 'liqo-signed-nonce' : 'liqo-nonce',
    namespace,
    labels: { [signed ? 'liqo.io/signed-nonce' : 'liqo.io/nonce']: 'true', 'liqo.io/remote-cluster-id': remote },
  },
  ...(nonce === undefined ? {} : { data: { nonce } }),
})

const aDeployment = (name: string, replicas: number, namespace = 'workload'): V1Deployment => ({
  metadata: { name, namespace },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { nodeSelector: { 'liqo.io/type': 'virtual-node' }, containers: [{ name: 'main', image: 'busybox' }] },
    },
  },
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
      expect(node.metadata?.labels).toMatchObject({
        'liqo.io/type': 'virtual-node',
        'liqo.io/remote-cluster-id': 'provider-1',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': 'contract-1',
      })
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

  describe('the seeded cluster facts', () => {
    it('give the cluster ID in the liqo namespace and this cluster IPAM networks, from the options', async () => {
      const { core, custom } = await setup({ clusterId: 'consumer-1', podCidr: '10.1.0.0/16', externalCidr: '10.2.0.0/16' })
      expect((await core.readNamespace({ name: 'liqo' })).metadata?.name).toBe('liqo')
      expect((await core.readNamespacedConfigMap({ namespace: 'liqo', name: 'liqo-clusterid-configmap' })).data).toEqual({ CLUSTER_ID: 'consumer-1' })
      const networks = (await custom.listNamespacedCustomObject({ ...NET, namespace: 'liqo' })) as { items: Conditioned[] }
      expect(networks.items.map((n) => [n.metadata.name, n.metadata.labels?.['ipam.liqo.io/network-type'], n.spec['cidr'], n.status?.['cidr']])).toEqual([
        ['external-cidr', 'external-cidr', '10.2.0.0/16', '10.2.0.0/16'],
        ['pod-cidr', 'pod-cidr', '10.1.0.0/16', '10.1.0.0/16'],
      ])
    })

    it('default to cluster local-cluster with pod CIDR 10.100.0.0/16 and external CIDR 10.70.0.0/16', async () => {
      const { core, custom } = await setup()
      expect((await core.readNamespacedConfigMap({ namespace: 'liqo', name: 'liqo-clusterid-configmap' })).data?.['CLUSTER_ID']).toBe('local-cluster')
      const pod = (await custom.getNamespacedCustomObject({ ...NET, namespace: 'liqo', name: 'pod-cidr' })) as Conditioned
      const external = (await custom.getNamespacedCustomObject({ ...NET, namespace: 'liqo', name: 'external-cidr' })) as Conditioned
      expect([pod.status?.['cidr'], external.status?.['cidr']]).toEqual(['10.100.0.0/16', '10.70.0.0/16'])
    })

    it('hold an Ed25519 key pair as PKCS8 and SPKI PEM in the authentication-keys Secret', async () => {
      const { core } = await setup()
      const keys = (await core.readNamespacedSecret({ namespace: 'liqo', name: 'authentication-keys' })).data ?? {}
      expect(text(keys['privateKey'])).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
      expect(text(keys['publicKey'])).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)
      expect(createPublicKey(text(keys['publicKey'])).asymmetricKeyType).toBe('ed25519')
      const signature = sign(null, Buffer.from('hello'), text(keys['privateKey']))
      expect(verify(null, Buffer.from('hello'), text(keys['publicKey']), signature)).toBe(true)
    })

    it('leave facts already on the cluster alone', async () => {
      const { core } = await setup({ clusterId: 'consumer-1' }, (fake) => {
        fake.store.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'liqo-clusterid-configmap', namespace: 'liqo' }, data: { CLUSTER_ID: 'installed' } })
        fake.store.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'authentication-keys', namespace: 'liqo' }, data: { privateKey: 'a2V5', publicKey: 'a2V5' } })
      })
      expect((await core.readNamespacedConfigMap({ namespace: 'liqo', name: 'liqo-clusterid-configmap' })).data?.['CLUSTER_ID']).toBe('installed')
      expect((await core.readNamespacedSecret({ namespace: 'liqo', name: 'authentication-keys' })).data).toEqual({ privateKey: 'a2V5', publicKey: 'a2V5' })
    })

    async function setup(options: LiqoSimulatorOptions = {}, before?: (fake: FakeKube) => void) {
      return start(options, before)
    }
  })

  describe('networking', () => {
    it('configures a Configuration with the remote CIDRs it was given', async () => {
      const { custom } = await setup()
      await custom.createNamespacedCustomObject({ ...CONF, namespace: TENANT, body: aConfiguration('provider-1', TENANT) })
      const configuration = (await custom.getNamespacedCustomObject({ ...CONF, namespace: TENANT, name: 'provider-1' })) as Conditioned
      expect(configuration.status?.['remote']).toEqual({ cidr: { pod: ['10.200.0.0/16'], external: ['10.80.0.0/16'] } })
      expect(configuration.status?.conditions?.map((c) => [c.type, c.status])).toEqual([['NetworkCIDRsConfigured', 'True']])
    })

    it('gives a GatewayServer an endpoint and a Secret with a WireGuard-style public key', async () => {
      const { core, custom } = await setup({ gatewayAddress: '198.51.100.7' })
      await custom.createNamespacedCustomObject({ ...GWS, namespace: PROVIDER_TENANT, body: aGateway('GatewayServer', 'consumer-1', PROVIDER_TENANT, { endpoint: { port: 51841 } }) })
      const server = (await custom.getNamespacedCustomObject({ ...GWS, namespace: PROVIDER_TENANT, name: 'consumer-1' })) as Conditioned
      expect(server.status).toEqual({
        endpoint: { addresses: ['198.51.100.7'], port: 51841, protocol: 'UDP' },
        secretRef: { name: 'gateway-server-consumer-1', namespace: PROVIDER_TENANT },
      })
      const secret = await core.readNamespacedSecret({ namespace: PROVIDER_TENANT, name: 'gateway-server-consumer-1' })
      expect(secret.metadata?.labels).toEqual({ 'liqo.io/remote-cluster-id': 'consumer-1' })
      expect(Buffer.from(text(secret.data?.['publicKey']), 'base64')).toHaveLength(32)
    })

    it('gives a GatewayServer without a port the default address and port 51840', async () => {
      const { custom } = await setup()
      await custom.createNamespacedCustomObject({ ...GWS, namespace: PROVIDER_TENANT, body: aGateway('GatewayServer', 'consumer-1', PROVIDER_TENANT) })
      const server = (await custom.getNamespacedCustomObject({ ...GWS, namespace: PROVIDER_TENANT, name: 'consumer-1' })) as Conditioned
      expect(server.status?.['endpoint']).toEqual({ addresses: ['192.0.2.10'], port: 51840, protocol: 'UDP' })
    })

    it('gives a GatewayClient a Secret with a public key', async () => {
      const { core, custom } = await setup()
      await custom.createNamespacedCustomObject({ ...GWC, namespace: TENANT, body: aGateway('GatewayClient', 'provider-1', TENANT, { endpoint: { addresses: ['192.0.2.10'], port: 51840 } }) })
      const client = (await custom.getNamespacedCustomObject({ ...GWC, namespace: TENANT, name: 'provider-1' })) as Conditioned
      expect(client.status).toEqual({ secretRef: { name: 'gateway-client-provider-1', namespace: TENANT } })
      const secret = await core.readNamespacedSecret({ namespace: TENANT, name: 'gateway-client-provider-1' })
      expect(Buffer.from(text(secret.data?.['publicKey']), 'base64')).toHaveLength(32)
    })

    it('connects a server once the remote PublicKey arrives', async () => {
      const { custom } = await setup()
      await custom.createNamespacedCustomObject({ ...GWS, namespace: PROVIDER_TENANT, body: aGateway('GatewayServer', 'consumer-1', PROVIDER_TENANT) })
      expect(await statusOf(custom.getNamespacedCustomObject({ ...CONN, namespace: PROVIDER_TENANT, name: 'consumer-1' }))).toBe(404)
      await custom.createNamespacedCustomObject({ ...PK, namespace: PROVIDER_TENANT, body: aPublicKey('consumer-1', PROVIDER_TENANT) })
      const connection = (await custom.getNamespacedCustomObject({ ...CONN, namespace: PROVIDER_TENANT, name: 'consumer-1' })) as Conditioned
      expect(connection.metadata.labels).toEqual({ 'liqo.io/remote-cluster-id': 'consumer-1' })
      expect(connection.spec).toMatchObject({ type: 'Server', gatewayRef: { kind: 'GatewayServer', name: 'consumer-1', namespace: PROVIDER_TENANT } })
      expect(connection.status).toEqual({ value: 'Connected' })
    })

    it('connects a client whose remote PublicKey arrived first', async () => {
      const { custom } = await setup()
      await custom.createNamespacedCustomObject({ ...PK, namespace: TENANT, body: aPublicKey('provider-1', TENANT) })
      expect(await statusOf(custom.getNamespacedCustomObject({ ...CONN, namespace: TENANT, name: 'provider-1' }))).toBe(404)
      await custom.createNamespacedCustomObject({ ...GWC, namespace: TENANT, body: aGateway('GatewayClient', 'provider-1', TENANT) })
      const connection = (await custom.getNamespacedCustomObject({ ...CONN, namespace: TENANT, name: 'provider-1' })) as Conditioned
      expect(connection.spec).toMatchObject({ type: 'Client', gatewayRef: { kind: 'GatewayClient', name: 'provider-1' } })
      expect(connection.status).toEqual({ value: 'Connected' })
    })

    it('drops the Connection when the PublicKey goes, and the Connection and key Secret when the gateway goes', async () => {
      const { core, custom } = await setup()
      await custom.createNamespacedCustomObject({ ...GWC, namespace: TENANT, body: aGateway('GatewayClient', 'provider-1', TENANT) })
      await custom.createNamespacedCustomObject({ ...PK, namespace: TENANT, body: aPublicKey('provider-1', TENANT) })
      await custom.deleteNamespacedCustomObject({ ...PK, namespace: TENANT, name: 'provider-1' })
      expect(await statusOf(custom.getNamespacedCustomObject({ ...CONN, namespace: TENANT, name: 'provider-1' }))).toBe(404)
      await custom.createNamespacedCustomObject({ ...PK, namespace: TENANT, body: aPublicKey('provider-1', TENANT) })
      expect(await statusOf(custom.getNamespacedCustomObject({ ...CONN, namespace: TENANT, name: 'provider-1' }))).toBe(200)
      await custom.deleteNamespacedCustomObject({ ...GWC, namespace: TENANT, name: 'provider-1' })
      expect(await statusOf(custom.getNamespacedCustomObject({ ...CONN, namespace: TENANT, name: 'provider-1' }))).toBe(404)
      expect(await statusOf(core.readNamespacedSecret({ namespace: TENANT, name: 'gateway-client-provider-1' }))).toBe(404)
    })

    it('leaves a gateway without status, and so unconnected, when its controller fails', async () => {
      for (const kind of ['GatewayServer', 'GatewayClient'] as const) {
        const { core, custom } = await setup({ fail: { [kind]: true } })
        const plural = kind === 'GatewayServer' ? GWS : GWC
        await custom.createNamespacedCustomObject({ ...plural, namespace: TENANT, body: aGateway(kind, 'provider-1', TENANT) })
        await custom.createNamespacedCustomObject({ ...PK, namespace: TENANT, body: aPublicKey('provider-1', TENANT) })
        expect(((await custom.getNamespacedCustomObject({ ...plural, namespace: TENANT, name: 'provider-1' })) as Conditioned).status).toBeUndefined()
        expect((await core.listNamespacedSecret({ namespace: TENANT })).items).toEqual([])
        expect(await statusOf(custom.getNamespacedCustomObject({ ...CONN, namespace: TENANT, name: 'provider-1' }))).toBe(404)
      }
    })

    it('leaves the Connection Connecting when the connection controller fails', async () => {
      const { custom } = await setup({ fail: { Connection: true } })
      await custom.createNamespacedCustomObject({ ...GWC, namespace: TENANT, body: aGateway('GatewayClient', 'provider-1', TENANT) })
      await custom.createNamespacedCustomObject({ ...PK, namespace: TENANT, body: aPublicKey('provider-1', TENANT) })
      expect(((await custom.getNamespacedCustomObject({ ...CONN, namespace: TENANT, name: 'provider-1' })) as Conditioned).status).toEqual({ value: 'Connecting' })
    })

    it('holds the gateway status and then the Connection back by one delay each', async () => {
      const clock = aManualTimer()
      const { custom } = await setup({ delayMs: 500, timer: clock.timer })
      await custom.createNamespacedCustomObject({ ...PK, namespace: TENANT, body: aPublicKey('provider-1', TENANT) })
      await custom.createNamespacedCustomObject({ ...GWC, namespace: TENANT, body: aGateway('GatewayClient', 'provider-1', TENANT) })
      const client = async () => (await custom.getNamespacedCustomObject({ ...GWC, namespace: TENANT, name: 'provider-1' })) as Conditioned
      clock.advance(499)
      expect((await client()).status).toBeUndefined()
      clock.advance(1)
      expect((await client()).status?.['secretRef']).toEqual({ name: 'gateway-client-provider-1', namespace: TENANT })
      expect(await statusOf(custom.getNamespacedCustomObject({ ...CONN, namespace: TENANT, name: 'provider-1' }))).toBe(404)
      clock.advance(500)
      expect(((await custom.getNamespacedCustomObject({ ...CONN, namespace: TENANT, name: 'provider-1' })) as Conditioned).status).toEqual({ value: 'Connected' })
    })

    async function setup(options: LiqoSimulatorOptions = {}) {
      return start(options)
    }
  })

  describe('authentication', () => {
    it('fills a liqo-nonce Secret with 64 random bytes as base64 text', async () => {
      const { core } = await setup()
      await core.createNamespacedSecret({ namespace: PROVIDER_TENANT, body: aNonceSecret('consumer-1', PROVIDER_TENANT) })
      const secret = await core.readNamespacedSecret({ namespace: PROVIDER_TENANT, name: 'liqo-nonce' })
      expect(Buffer.from(text(secret.data?.['nonce']), 'base64')).toHaveLength(64)
    })

    it('signs the nonce in a liqo-signed-nonce Secret with the cluster private key', async () => {
      const { core } = await setup()
      const nonce = Buffer.from(Buffer.from('n'.repeat(64)).toString('base64')).toString('base64')
      await core.createNamespacedSecret({ namespace: TENANT, body: aNonceSecret('provider-1', TENANT, true, nonce) })
      const secret = await core.readNamespacedSecret({ namespace: TENANT, name: 'liqo-signed-nonce' })
      const publicKey = text((await core.readNamespacedSecret({ namespace: 'liqo', name: 'authentication-keys' })).data?.['publicKey'])
      expect(secret.data?.['nonce']).toBe(nonce)
      expect(verify(null, bytes(nonce), publicKey, bytes(secret.data?.['signedNonce']))).toBe(true)
    })

    it('fills in neither nonce nor signature when the nonce controller fails', async () => {
      const { core } = await setup({ fail: { Nonce: true } })
      await core.createNamespacedSecret({ namespace: PROVIDER_TENANT, body: aNonceSecret('consumer-1', PROVIDER_TENANT) })
      await core.createNamespacedSecret({ namespace: TENANT, body: aNonceSecret('provider-1', TENANT, true, 'bm9uY2U=') })
      expect((await core.readNamespacedSecret({ namespace: PROVIDER_TENANT, name: 'liqo-nonce' })).data).toBeUndefined()
      expect((await core.readNamespacedSecret({ namespace: TENANT, name: 'liqo-signed-nonce' })).data).toEqual({ nonce: 'bm9uY2U=' })
    })

    it('accepts a Tenant forged as Liqo forges it, signed over its nonce: namespace and auth params for this API server', async () => {
      const provider = await setup({ clusterId: 'provider-1' })
      const nonce = await issueNonce(provider)
      await provider.custom.createNamespacedCustomObject({ ...TN, namespace: PROVIDER_TENANT, body: aTenant('consumer-1', aForgedTenant(CONSUMER_KEYS, nonce)) })
      const tenant = await readTenant(provider)
      expect(tenant.status?.['tenantNamespace']).toBe(PROVIDER_TENANT)
      expect(tenant.status?.conditions).toBeUndefined()
      const authParams = tenant.status?.['authParams'] as Record<string, string>
      expect(authParams['apiServer']).toBe('https://provider-1.liqo.local:6443')
      expect([text(authParams['ca']), text(authParams['signedCRT'])]).toEqual([expect.stringMatching(/^-----BEGIN CERTIFICATE-----/), expect.stringMatching(/^-----BEGIN CERTIFICATE-----/)])
    })

    it.each([
      ['a CSR whose CN is another cluster', 'InvalidCSR', 'invalid common name', (nonce: string) => ({ ...aForgedTenant(CONSUMER_KEYS, nonce, 'consumer-2'), clusterID: 'consumer-1' })],
      ['a CSR of another key', 'InvalidCSR', 'invalid public key', (nonce: string) => ({ ...aForgedTenant(CONSUMER_KEYS, nonce), csr: aForgedTenant(OTHER_KEYS, nonce).csr })],
      ['a CSR with its key but signed by another', 'InvalidCSR', 'invalid CSR signature', (nonce: string) => ({ ...aForgedTenant(CONSUMER_KEYS, nonce), csr: resignedCsr(aForgedTenant(CONSUMER_KEYS, nonce).csr, OTHER_KEYS) })],
      ['a CSR that does not parse', 'InvalidCSR', expect.stringMatching(/^invalid CSR/), (nonce: string) => ({ ...aForgedTenant(CONSUMER_KEYS, nonce), csr: 'Y3Ny' })],
      ['a signature over another nonce', 'SignatureVerificationFailed', 'signature verification failed for Tenant consumer-1', (nonce: string) => aForgedTenant(CONSUMER_KEYS, nonce, 'consumer-1', 'another nonce')],
      ['a signature by another key', 'SignatureVerificationFailed', 'signature verification failed for Tenant consumer-1', (nonce: string) => ({ ...aForgedTenant(CONSUMER_KEYS, nonce), signature: aForgedTenant(OTHER_KEYS, nonce).signature })],
      ['no signature', 'SignatureVerificationFailed', 'signature verification failed for Tenant consumer-1', (nonce: string) => ({ ...aForgedTenant(CONSUMER_KEYS, nonce), signature: undefined })],
      ['its public key as PEM instead of raw', 'SignatureVerificationFailed', 'signature verification failed for Tenant consumer-1', (nonce: string) => ({ ...aForgedTenant(CONSUMER_KEYS, nonce), publicKey: Buffer.from(CONSUMER_KEYS.publicKey).toString('base64') })],
    ])('refuses a Tenant with %s: no namespace or auth params, and the reason Liqo gives', async (_case, reason, message, spec) => {
      const provider = await setup({ clusterId: 'provider-1' })
      const nonce = await issueNonce(provider)
      await provider.custom.createNamespacedCustomObject({ ...TN, namespace: PROVIDER_TENANT, body: aTenant('consumer-1', spec(nonce)) })
      expect((await readTenant(provider)).status).toEqual({ conditions: [{ type: 'Accepted', status: 'False', reason, message }] })
    })

    it('accepts a refused Tenant once it is fixed, and one that came before its nonce once the nonce is there', async () => {
      const provider = await setup({ clusterId: 'provider-1', apiServerUrl: 'https://provider.example:6443' })
      const nonce = Buffer.from(Buffer.from('n'.repeat(64)).toString('base64')).toString('base64')
      const forged = aForgedTenant(CONSUMER_KEYS, nonce)
      await provider.custom.createNamespacedCustomObject({ ...TN, namespace: PROVIDER_TENANT, body: aTenant('consumer-1', { ...forged, signature: undefined }) })
      expect((await readTenant(provider)).status?.conditions?.map((c) => c.reason)).toEqual(['NonceNotFound'])
      await provider.core.createNamespacedSecret({ namespace: PROVIDER_TENANT, body: aNonceSecret('consumer-1', PROVIDER_TENANT, false, nonce) })
      expect((await readTenant(provider)).status?.conditions?.map((c) => c.reason)).toEqual(['SignatureVerificationFailed'])
      await provider.custom.patchNamespacedCustomObject(
        { ...TN, namespace: PROVIDER_TENANT, name: 'consumer-1', body: { spec: { signature: forged.signature } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      const accepted = await readTenant(provider)
      expect(accepted.status?.conditions).toBeUndefined()
      expect(accepted.status?.['authParams']).toMatchObject({ apiServer: 'https://provider.example:6443' })
    })

    it('refuses a Tenant whose nonce Secret is for another consumer', async () => {
      const provider = await setup({ clusterId: 'provider-1' })
      const nonce = Buffer.from('bm9uY2U=').toString('base64')
      await provider.core.createNamespacedSecret({ namespace: PROVIDER_TENANT, body: aNonceSecret('consumer-2', PROVIDER_TENANT, false, nonce) })
      await provider.custom.createNamespacedCustomObject({ ...TN, namespace: PROVIDER_TENANT, body: aTenant('consumer-1', aForgedTenant(CONSUMER_KEYS, nonce)) })
      expect((await readTenant(provider)).status?.conditions?.map((c) => c.reason)).toEqual(['NonceNotFound'])
    })

    it('leaves a Tenant whose controller fails without status', async () => {
      const failing = await setup({ fail: { Tenant: true } })
      const nonce = await issueNonce(failing)
      await failing.custom.createNamespacedCustomObject({ ...TN, namespace: PROVIDER_TENANT, body: aTenant('consumer-1', aForgedTenant(CONSUMER_KEYS, nonce)) })
      expect((await readTenant(failing)).status).toBeUndefined()
    })

    it('gives a ControlPlane Identity with auth params a kubeconfig Secret for the provider', async () => {
      const { core, custom } = await setup()
      const authParams = { ca: 'Y2E=', signedCRT: 'Y3J0', apiServer: 'https://provider-1.liqo.local:6443' }
      await custom.createNamespacedCustomObject({ ...ID, namespace: TENANT, body: anIdentity('provider-1', authParams) })
      const identity = (await custom.getNamespacedCustomObject({ ...ID, namespace: TENANT, name: 'controlplane-provider-1' })) as Conditioned
      expect(identity.status).toEqual({ kubeconfigSecretRef: { name: 'kubeconfig-controlplane-provider-1' } })
      const secret = await core.readNamespacedSecret({ namespace: TENANT, name: 'kubeconfig-controlplane-provider-1' })
      expect(secret.metadata?.labels).toEqual({ 'liqo.io/remote-cluster-id': 'provider-1' })
      const kubeconfig = new KubeConfig()
      kubeconfig.loadFromString(text(secret.data?.['kubeconfig']))
      expect(kubeconfig.getCurrentCluster()).toMatchObject({ name: 'provider-1', server: 'https://provider-1.liqo.local:6443', caData: 'Y2E=' })
      await custom.deleteNamespacedCustomObject({ ...ID, namespace: TENANT, name: 'controlplane-provider-1' })
      expect(await statusOf(core.readNamespacedSecret({ namespace: TENANT, name: 'kubeconfig-controlplane-provider-1' }))).toBe(404)
    })

    it('leaves an Identity without auth params, or whose controller fails, without a kubeconfig', async () => {
      const first = await setup()
      await first.custom.createNamespacedCustomObject({ ...ID, namespace: TENANT, body: anIdentity('provider-1') })
      expect(((await first.custom.getNamespacedCustomObject({ ...ID, namespace: TENANT, name: 'controlplane-provider-1' })) as Conditioned).status).toBeUndefined()
      const failing = await setup({ fail: { Identity: true } })
      await failing.custom.createNamespacedCustomObject({ ...ID, namespace: TENANT, body: anIdentity('provider-1', { ca: 'Y2E=', signedCRT: 'Y3J0', apiServer: 'https://p' }) })
      expect(((await failing.custom.getNamespacedCustomObject({ ...ID, namespace: TENANT, name: 'controlplane-provider-1' })) as Conditioned).status).toBeUndefined()
      expect(await statusOf(failing.core.readNamespacedSecret({ namespace: TENANT, name: 'kubeconfig-controlplane-provider-1' }))).toBe(404)
    })

    async function setup(options: LiqoSimulatorOptions = {}) {
      return start(options)
    }
  })

  describe('a Deployment', () => {
    it('gets its replicas as owned pods from its template, all Ready on the virtual node of an offloaded namespace', async () => {
      const { apps, core } = await setup()
      await apps.createNamespacedDeployment({ namespace: 'workload', body: aDeployment('web', 2) })
      const pods = (await core.listNamespacedPod({ namespace: 'workload' })).items
      expect(pods.map((p) => [p.metadata?.name, p.metadata?.labels?.['app'], p.spec?.nodeName, p.status?.phase])).toEqual([
        ['web-0', 'web', 'contract-1', 'Running'],
        ['web-1', 'web', 'contract-1', 'Running'],
      ])
      expect(pods[0]?.metadata?.ownerReferences).toMatchObject([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', controller: true }])
      const deployment = await apps.readNamespacedDeployment({ namespace: 'workload', name: 'web' })
      expect(deployment.status).toEqual({ observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2 })
    })

    it('counts pods that cannot be placed as replicas but not as ready ones', async () => {
      const { apps, core } = await setup()
      await apps.createNamespacedDeployment({ namespace: 'default', body: aDeployment('web', 1, 'default') })
      expect((await core.readNamespacedPod({ namespace: 'default', name: 'web-0' })).status?.phase).toBe('Pending')
      const deployment = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' })
      expect(deployment.status).toEqual({ observedGeneration: 1, replicas: 1, readyReplicas: 0, availableReplicas: 0 })
    })

    it('follows a scale, observing the new generation, and takes its pods with it when deleted', async () => {
      const { apps, core } = await setup()
      await apps.createNamespacedDeployment({ namespace: 'workload', body: aDeployment('web', 3) })
      await apps.patchNamespacedDeployment(
        { namespace: 'workload', name: 'web', body: { spec: { replicas: 1 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      expect((await core.listNamespacedPod({ namespace: 'workload' })).items.map((p) => p.metadata?.name)).toEqual(['web-0'])
      expect((await apps.readNamespacedDeployment({ namespace: 'workload', name: 'web' })).status).toEqual({ observedGeneration: 2, replicas: 1, readyReplicas: 1, availableReplicas: 1 })
      await apps.deleteNamespacedDeployment({ namespace: 'workload', name: 'web' })
      expect((await core.listNamespacedPod({ namespace: 'workload' })).items).toEqual([])
    })

    it('replaces a pod deleted under it', async () => {
      const { apps, core } = await setup()
      await apps.createNamespacedDeployment({ namespace: 'workload', body: aDeployment('web', 1) })
      await core.deleteNamespacedPod({ namespace: 'workload', name: 'web-0' })
      expect((await core.readNamespacedPod({ namespace: 'workload', name: 'web-0' })).status?.phase).toBe('Running')
    })

    async function setup(options: LiqoSimulatorOptions = {}) {
      const started = await start(options)
      await started.custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('contract-1') })
      await started.custom.createNamespacedCustomObject({ ...NSOFF, namespace: 'workload', body: aNamespaceOffloading('workload') })
      return started
    }
  })

  describe('a declarative peering between two simulated clusters', () => {
    it('completes every step with each side applying only on its own cluster, and runs a Deployment on the virtual node', async () => {
      const { consumer, provider } = await setup()
      await consumer.custom.createNamespacedCustomObject({ ...CONF, namespace: TENANT, body: aConfiguration('provider-1', TENANT) })
      await provider.custom.createNamespacedCustomObject({ ...CONF, namespace: PROVIDER_TENANT, body: aConfiguration('consumer-1', PROVIDER_TENANT) })
      await provider.custom.createNamespacedCustomObject({ ...GWS, namespace: PROVIDER_TENANT, body: aGateway('GatewayServer', 'consumer-1', PROVIDER_TENANT) })
      const server = (await provider.custom.getNamespacedCustomObject({ ...GWS, namespace: PROVIDER_TENANT, name: 'consumer-1' })) as Conditioned
      await consumer.custom.createNamespacedCustomObject({
        ...GWC,
        namespace: TENANT,
        body: aGateway('GatewayClient', 'provider-1', TENANT, { endpoint: server.status?.['endpoint'] }),
      })
      const serverKey = await provider.core.readNamespacedSecret({ namespace: PROVIDER_TENANT, name: 'gateway-server-consumer-1' })
      const clientKey = await consumer.core.readNamespacedSecret({ namespace: TENANT, name: 'gateway-client-provider-1' })
      await consumer.custom.createNamespacedCustomObject({
        ...PK,
        namespace: TENANT,
        body: { ...aPublicKey('provider-1', TENANT), spec: { publicKey: serverKey.data?.['publicKey'] } },
      })
      await provider.custom.createNamespacedCustomObject({
        ...PK,
        namespace: PROVIDER_TENANT,
        body: { ...aPublicKey('consumer-1', PROVIDER_TENANT), spec: { publicKey: clientKey.data?.['publicKey'] } },
      })
      const connections = [
        (await consumer.custom.getNamespacedCustomObject({ ...CONN, namespace: TENANT, name: 'provider-1' })) as Conditioned,
        (await provider.custom.getNamespacedCustomObject({ ...CONN, namespace: PROVIDER_TENANT, name: 'consumer-1' })) as Conditioned,
      ]
      expect(connections.map((c) => [c.spec['type'], c.status?.['value']])).toEqual([
        ['Client', 'Connected'],
        ['Server', 'Connected'],
      ])

      await provider.core.createNamespacedSecret({ namespace: PROVIDER_TENANT, body: aNonceSecret('consumer-1', PROVIDER_TENANT) })
      const nonce = (await provider.core.readNamespacedSecret({ namespace: PROVIDER_TENANT, name: 'liqo-nonce' })).data?.['nonce']
      await consumer.core.createNamespacedSecret({ namespace: TENANT, body: aNonceSecret('provider-1', TENANT, true, nonce) })
      const signature = (await consumer.core.readNamespacedSecret({ namespace: TENANT, name: 'liqo-signed-nonce' })).data?.['signedNonce']
      const consumerKeys = (await consumer.core.readNamespacedSecret({ namespace: 'liqo', name: 'authentication-keys' })).data ?? {}
      expect(verify(null, bytes(nonce), text(consumerKeys['publicKey']), bytes(signature))).toBe(true)
      await provider.custom.createNamespacedCustomObject({
        ...TN,
        namespace: PROVIDER_TENANT,
        body: aTenant('consumer-1', forgeTenant({ clusterId: 'consumer-1', privateKeyPem: text(consumerKeys['privateKey']), publicKeyPem: text(consumerKeys['publicKey']), signature: bytes(signature) })),
      })
      const tenant = (await provider.custom.getNamespacedCustomObject({ ...TN, namespace: PROVIDER_TENANT, name: 'consumer-1' })) as Conditioned
      await consumer.custom.createNamespacedCustomObject({
        ...ID,
        namespace: TENANT,
        body: anIdentity('provider-1', tenant.status?.['authParams'] as Record<string, string>),
      })
      const identity = (await consumer.custom.getNamespacedCustomObject({ ...ID, namespace: TENANT, name: 'controlplane-provider-1' })) as Conditioned
      expect(identity.status?.['kubeconfigSecretRef']).toEqual({ name: 'kubeconfig-controlplane-provider-1' })

      await consumer.custom.createNamespacedCustomObject({ ...RS, namespace: TENANT, body: aResourceSlice('provider-1') })
      await consumer.custom.createNamespacedCustomObject({ ...NSOFF, namespace: 'workload', body: aNamespaceOffloading('workload') })
      await consumer.apps.createNamespacedDeployment({ namespace: 'workload', body: aDeployment('web', 2) })
      expect((await consumer.apps.readNamespacedDeployment({ namespace: 'workload', name: 'web' })).status?.readyReplicas).toBe(2)
      expect((await consumer.core.readNamespacedPod({ namespace: 'workload', name: 'web-0' })).spec?.nodeName).toBe('provider-1')
    })

    async function setup() {
      const [consumer, provider] = await Promise.all([start({ clusterId: 'consumer-1' }), start({ clusterId: 'provider-1', podCidr: '10.101.0.0/16' })])
      return { consumer, provider }
    }
  })
})

async function start(options: LiqoSimulatorOptions = {}, before: (fake: FakeKube) => void = () => {}) {
  const fake = await startFakeKube()
  running.push(fake)
  before(fake)
  simulateLiqo(fake, options)
  const kc = new KubeConfig()
  kc.loadFromOptions(fake.kubeconfig.options)
  return {
    fake,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    objects: KubernetesObjectApi.makeApiClient(kc),
  }
}

/** The provider's liqo-nonce Secret for consumer-1, filled in by the simulated controller; its `data.nonce`. */
async function issueNonce(provider: Awaited<ReturnType<typeof start>>) {
  await provider.core.createNamespacedSecret({ namespace: PROVIDER_TENANT, body: aNonceSecret('consumer-1', PROVIDER_TENANT) })
  return (await provider.core.readNamespacedSecret({ namespace: PROVIDER_TENANT, name: 'liqo-nonce' })).data?.['nonce'] ?? ''
}

async function readTenant(provider: Awaited<ReturnType<typeof start>>) {
  return (await provider.custom.getNamespacedCustomObject({ ...TN, namespace: PROVIDER_TENANT, name: 'consumer-1' })) as Conditioned & { status?: { conditions?: Array<{ reason?: string }> } }
}

