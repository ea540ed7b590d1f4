import {
  ApiException,
  ApisApi,
  CoreApi,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
} from '@kubernetes/client-node'
import type { KubernetesObject, V1Node, V1Pod } from '@kubernetes/client-node'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startFakeKube } from '../../../local/fake-kube/index.ts'
import type { FakeKube, FakeKubeOptions } from '../../../local/fake-kube/index.ts'

const running: FakeKube[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()))
})

const RS = { group: 'authentication.liqo.io', version: 'v1beta1', plural: 'resourceslices' }

const aNode = ({ name }: { name: string }): V1Node => ({
  metadata: { name, labels: { 'kubernetes.io/arch': 'amd64' } },
  spec: {},
  status: {
    allocatable: { cpu: '8', memory: '16Gi', pods: '110' },
    conditions: [
      { type: 'MemoryPressure', status: 'False' },
      { type: 'Ready', status: 'True' },
    ],
  },
})

const aPod = (name: string, options: { namespace?: string; labels?: Record<string, string>; nodeName?: string } = {}): V1Pod => ({
  metadata: { name, namespace: options.namespace ?? 'default', labels: options.labels ?? {} },
  spec: { containers: [{ name: 'main', image: 'busybox' }], ...(options.nodeName ? { nodeName: options.nodeName } : {}) },
})

const aResourceSlice = (name: string, namespace = 'liqo-tenant-provider') => ({
  apiVersion: 'authentication.liqo.io/v1beta1',
  kind: 'ResourceSlice',
  metadata: { name, namespace, labels: { 'liqo.io/remote-cluster-id': 'provider' } },
  spec: { class: 'default', resources: { cpu: '2', memory: '4Gi' } },
  status: { conditions: [{ type: 'Resources', status: 'Accepted' }] },
})

const failureOf = async (call: Promise<unknown>) => {
  try {
    await call
  } catch (error) {
    if (error instanceof ApiException) return { code: error.code, body: JSON.parse(error.body as string) as { kind: string; reason: string } }
    throw error
  }
  throw new Error('expected the call to fail')
}

async function start(options: FakeKubeOptions = {}) {
  const fake = await startFakeKube(options)
  running.push(fake)
  const kc = new KubeConfig()
  kc.loadFromOptions(fake.kubeconfig.options)
  return { fake, kc, core: kc.makeApiClient(CoreV1Api), custom: kc.makeApiClient(CustomObjectsApi), objects: KubernetesObjectApi.makeApiClient(kc) }
}

interface Seen {
  type: string
  object: KubernetesObject & { code?: number; reason?: string }
}

const watchInto = async (kc: KubeConfig, path: string, params: Record<string, string | number | boolean>) => {
  const events: Seen[] = []
  let ended: unknown = 'open'
  const controller = await new Watch(kc).watch(
    path,
    params,
    (type, object) => events.push({ type, object }),
    (error) => (ended = error ?? null),
  )
  return { events, controller, ended: () => ended }
}

describe('fake Kubernetes API server, through the real @kubernetes/client-node', () => {
  describe('discovery', () => {
    it('serves /api, /apis and each group version, with the Liqo CRDs from one table', async () => {
      const { kc, custom, core } = await setup()
      expect((await kc.makeApiClient(CoreApi).getAPIVersions()).versions).toEqual(['v1'])
      const groups = (await kc.makeApiClient(ApisApi).getAPIVersions()).groups.map((g) => g.name)
      expect(groups).toEqual(expect.arrayContaining(['core.liqo.io', 'authentication.liqo.io', 'offloading.liqo.io', 'networking.liqo.io']))
      const networking = await custom.getAPIResources({ group: 'networking.liqo.io', version: 'v1beta1' })
      expect(networking.resources.find((r) => r.kind === 'PublicKey')).toMatchObject({ name: 'publickeies', namespaced: true })
      expect((await core.getAPIResources()).resources.find((r) => r.kind === 'Node')).toMatchObject({ name: 'nodes', namespaced: false })
    })

    it('serves apps/v1 Deployments, core Services and Liqo IPAM Networks, each with a status subresource', async () => {
      const { kc, custom, core } = await setup()
      const groups = (await kc.makeApiClient(ApisApi).getAPIVersions()).groups
      expect(groups.find((g) => g.name === 'ipam.liqo.io')?.preferredVersion?.groupVersion).toBe('ipam.liqo.io/v1alpha1')
      const resourcesOf = async (group: string, version: string) => (await custom.getAPIResources({ group, version })).resources.map((r) => [r.name, r.namespaced])
      expect(await resourcesOf('apps', 'v1')).toEqual([
        ['deployments', true],
        ['deployments/status', true],
      ])
      expect(await resourcesOf('ipam.liqo.io', 'v1alpha1')).toEqual([
        ['networks', true],
        ['networks/status', true],
      ])
      expect((await core.getAPIResources()).resources.filter((r) => r.kind === 'Service').map((r) => r.name)).toEqual(['services', 'services/status'])
    })

    async function setup() {
      return start()
    }
  })

  describe('create, get, list, update and delete', () => {
    it('creates with uid, creationTimestamp and resourceVersion, and refuses a taken name with 409 AlreadyExists', async () => {
      const { core } = await setup()
      const created = await core.createNode({ body: aNode({ name: 'worker-1' }) })
      expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/)
      expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date)
      expect(created.metadata?.resourceVersion).toBe('1')
      expect(created.status?.allocatable?.['cpu']).toBe('8')
      const failure = await failureOf(core.createNode({ body: aNode({ name: 'worker-1' }) }))
      expect(failure).toMatchObject({ code: 409, body: { kind: 'Status', reason: 'AlreadyExists' } })
    })

    it('names an object from generateName', async () => {
      const { core } = await setup()
      const pod = await core.createNamespacedPod({ namespace: 'default', body: { metadata: { generateName: 'job-' }, spec: { containers: [] } } })
      expect(pod.metadata?.name).toMatch(/^job-[a-z0-9]{5}$/)
      expect(pod.status?.phase).toBe('Pending')
    })

    it('gets one object and lists with the resourceVersion on the list metadata', async () => {
      const { core } = await setup()
      await core.createNode({ body: aNode({ name: 'b' }) })
      await core.createNode({ body: aNode({ name: 'a' }) })
      const list = await core.listNode()
      expect(list.metadata?.resourceVersion).toBe('2')
      expect(list.items.map((n) => n.metadata?.name)).toEqual(['a', 'b'])
      expect((await core.readNode({ name: 'b' })).metadata?.name).toBe('b')
      expect(await failureOf(core.readNode({ name: 'c' }))).toMatchObject({ code: 404, body: { reason: 'NotFound' } })
    })

    it('updates with PUT, and answers 409 Conflict to a stale resourceVersion', async () => {
      const { core } = await setup()
      const node = await core.createNode({ body: aNode({ name: 'worker-1' }) })
      const updated = await core.replaceNode({ name: 'worker-1', body: { ...node, metadata: { ...node.metadata, labels: { zone: 'a' } } } })
      expect(updated.metadata?.labels).toEqual({ zone: 'a' })
      expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(node.metadata?.resourceVersion))
      expect(await failureOf(core.replaceNode({ name: 'worker-1', body: node }))).toMatchObject({ code: 409, body: { reason: 'Conflict' } })
    })

    it('deletes with 200 and the object, then answers 404 NotFound', async () => {
      const { core } = await setup()
      await core.createNamespacedPod({ namespace: 'default', body: aPod('p') })
      const deleted = await core.deleteNamespacedPod({ name: 'p', namespace: 'default' })
      expect(deleted.metadata?.name).toBe('p')
      expect(await failureOf(core.deleteNamespacedPod({ name: 'p', namespace: 'default' }))).toMatchObject({ code: 404, body: { reason: 'NotFound' } })
    })

    it('keeps an object with finalizers until they are removed', async () => {
      const { core } = await setup()
      await core.createNamespace({ body: { metadata: { name: 'team', finalizers: ['example.com/keep'] } } })
      await core.deleteNamespace({ name: 'team' })
      expect((await core.readNamespace({ name: 'team' })).metadata?.deletionTimestamp).toBeInstanceOf(Date)
      await core.patchNamespace({ name: 'team', body: [{ op: 'remove', path: '/metadata/finalizers' }] })
      expect(await failureOf(core.readNamespace({ name: 'team' }))).toMatchObject({ code: 404 })
    })

    it('deletes a namespace with the objects in it', async () => {
      const { core, custom } = await setup()
      await core.createNamespace({ body: { metadata: { name: 'liqo-tenant-provider' } } })
      await custom.createNamespacedCustomObject({ ...RS, namespace: 'liqo-tenant-provider', body: aResourceSlice('contract-1') })
      await core.createNamespacedSecret({ namespace: 'liqo-tenant-provider', body: { metadata: { name: 'liqo-nonce' }, data: { nonce: 'bm9uY2U=' } } })
      await core.deleteNamespace({ name: 'liqo-tenant-provider' })
      expect((await core.listSecretForAllNamespaces()).items).toEqual([])
      expect(((await custom.listClusterCustomObject(RS)) as { items: unknown[] }).items).toEqual([])
    })

    it('stores a Secret stringData as base64 data over the data sent with it, on create and on update', async () => {
      const { core } = await setup()
      await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's' }, data: { a: 'YQ==', b: 'Yg==' }, stringData: { b: 'two' } } })
      expect(await core.readNamespacedSecret({ namespace: 'default', name: 's' })).toMatchObject({ data: { a: 'YQ==', b: 'dHdv' } })
      const replaced = await core.replaceNamespacedSecret({ namespace: 'default', name: 's', body: { metadata: { name: 's' }, stringData: { c: 'three' } } })
      expect([replaced.data, replaced.stringData]).toEqual([{ c: 'dGhyZWU=' }, undefined])
    })

    async function setup() {
      return start()
    }
  })

  describe('selectors', () => {
    it('filters lists by label selector: =, !=, in, notin, exists and not exists', async () => {
      const { core } = await setup()
      const names = async (labelSelector: string) => (await core.listPodForAllNamespaces({ labelSelector })).items.map((p) => p.metadata?.name)
      expect(await names('app=web')).toEqual(['web-1', 'web-2'])
      expect(await names('app!=web')).toEqual(['db-1', 'bare'])
      expect(await names('tier in (front, back)')).toEqual(['db-1', 'web-1'])
      expect(await names('tier notin (front)')).toEqual(['db-1', 'bare', 'web-2'])
      expect(await names('tier')).toEqual(['db-1', 'web-1'])
      expect(await names('!app')).toEqual(['bare'])
      expect(await names('app=web,tier')).toEqual(['web-1'])
    })

    it('filters lists by field selector: metadata.name, metadata.namespace, spec.nodeName and status.phase', async () => {
      const { core, fake } = await setup()
      const names = async (fieldSelector: string) => (await core.listPodForAllNamespaces({ fieldSelector })).items.map((p) => p.metadata?.name)
      expect(await names('metadata.name=web-2')).toEqual(['web-2'])
      expect(await names('metadata.namespace=data')).toEqual(['db-1'])
      expect(await names('spec.nodeName=worker-1')).toEqual(['web-1', 'web-2'])
      fake.store.patchStatus({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-1' }, { phase: 'Succeeded' })
      expect(await names('spec.nodeName=worker-1,status.phase!=Succeeded')).toEqual(['web-2'])
      expect(await failureOf(core.listPodForAllNamespaces({ fieldSelector: 'spec.bogus=1' }))).toMatchObject({ code: 400 })
    })

    async function setup() {
      const started = await start()
      const pods = [
        aPod('web-1', { labels: { app: 'web', tier: 'front' }, nodeName: 'worker-1' }),
        aPod('web-2', { labels: { app: 'web' }, nodeName: 'worker-1' }),
        aPod('db-1', { namespace: 'data', labels: { app: 'db', tier: 'back' }, nodeName: 'worker-2' }),
        aPod('bare'),
      ]
      for (const pod of pods) await started.core.createNamespacedPod({ namespace: pod.metadata?.namespace ?? 'default', body: pod })
      return started
    }
  })

  describe('patch', () => {
    it('applies a JSON merge patch', async () => {
      const { core } = await setup()
      const patched = await core.patchNamespacedPod(
        { name: 'p', namespace: 'default', body: { metadata: { labels: { b: '2', a: null } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      expect(patched.metadata?.labels).toEqual({ b: '2' })
    })

    it('applies a strategic merge patch: maps merge, containers merge by name, other lists replace', async () => {
      const { core } = await setup()
      const patched = await core.patchNamespacedPod(
        {
          name: 'p',
          namespace: 'default',
          body: { metadata: { labels: { b: '2' } }, spec: { containers: [{ name: 'side', image: 'envoy' }], tolerations: [{ key: 'x', operator: 'Exists' }] } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      )
      expect(patched.metadata?.labels).toEqual({ a: '1', b: '2' })
      expect(patched.spec?.containers.map((c) => c.name)).toEqual(['main', 'side'])
      expect(patched.spec?.tolerations).toEqual([{ key: 'x', operator: 'Exists' }])
    })

    it('answers 422 to a JSON patch whose test operation fails, and changes nothing', async () => {
      const { core } = await setup()
      const failure = await failureOf(
        core.patchNamespacedPod({ name: 'p', namespace: 'default', body: [{ op: 'test', path: '/metadata/labels/a', value: '2' }, { op: 'remove', path: '/metadata/labels/a' }] }),
      )
      expect(failure.code).toBe(422)
      expect((await core.readNamespacedPod({ name: 'p', namespace: 'default' })).metadata?.labels).toEqual({ a: '1' })
    })

    it('applies a JSON patch, which client-node sends by default', async () => {
      const { core } = await setup()
      const patched = await core.patchNamespacedPod({ name: 'p', namespace: 'default', body: [{ op: 'add', path: '/metadata/labels/c', value: '3' }] })
      expect(patched.metadata?.labels).toEqual({ a: '1', c: '3' })
    })

    it('merges node conditions by type through the status subresource', async () => {
      const { core } = await setup()
      await core.createNode({ body: aNode({ name: 'worker-1' }) })
      const patched = await core.patchNodeStatus(
        { name: 'worker-1', body: { status: { conditions: [{ type: 'Ready', status: 'False' }] } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      )
      expect(patched.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['MemoryPressure=False', 'Ready=False'])
    })

    async function setup() {
      const started = await start()
      await started.core.createNamespacedPod({ namespace: 'default', body: aPod('p', { labels: { a: '1' } }) })
      return started
    }
  })

  describe('a Liqo ResourceSlice and its status subresource', () => {
    it('drops status on create and changes it only through /status', async () => {
      const { custom } = await setup()
      const created = (await custom.createNamespacedCustomObject({ ...RS, namespace: 'liqo-tenant-provider', body: aResourceSlice('contract-1') })) as Record<string, unknown>
      expect(created['status']).toBeUndefined()
      const withStatus = (await custom.patchNamespacedCustomObjectStatus(
        { ...RS, namespace: 'liqo-tenant-provider', name: 'contract-1', body: { status: { conditions: [{ type: 'Resources', status: 'Accepted' }] }, spec: { class: 'other' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as { spec: { class: string }; status: unknown; metadata: { generation: number } }
      expect(withStatus.spec.class).toBe('default')
      expect(withStatus.status).toEqual({ conditions: [{ type: 'Resources', status: 'Accepted' }] })
      expect(withStatus.metadata.generation).toBe(1)
    })

    it('leaves status alone on main-resource writes, and bumps generation on spec changes only', async () => {
      const { custom, fake } = await setup()
      await custom.createNamespacedCustomObject({ ...RS, namespace: 'liqo-tenant-provider', body: aResourceSlice('contract-1') })
      fake.store.patchStatus({ apiVersion: 'authentication.liqo.io/v1beta1', kind: 'ResourceSlice', namespace: 'liqo-tenant-provider', name: 'contract-1' }, { resources: { cpu: '2' } })
      const patched = (await custom.patchNamespacedCustomObject(
        { ...RS, namespace: 'liqo-tenant-provider', name: 'contract-1', body: { spec: { class: 'gold' }, status: null } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as { spec: { class: string }; status: unknown; metadata: { generation: number } }
      expect(patched.spec.class).toBe('gold')
      expect(patched.status).toEqual({ resources: { cpu: '2' } })
      expect(patched.metadata.generation).toBe(2)
      const relabelled = (await custom.patchNamespacedCustomObject(
        { ...RS, namespace: 'liqo-tenant-provider', name: 'contract-1', body: { metadata: { labels: { x: 'y' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as { metadata: { generation: number } }
      expect(relabelled.metadata.generation).toBe(2)
    })

    it('replaces only status with PUT /status, and keeps status on a main-resource PUT', async () => {
      const { core } = await setup()
      const pod = await core.createNamespacedPod({ namespace: 'default', body: aPod('p') })
      const running = await core.replaceNamespacedPodStatus({ name: 'p', namespace: 'default', body: { ...pod, metadata: { ...pod.metadata, labels: { ignored: 'yes' } }, status: { phase: 'Running' } } })
      expect(running.status?.phase).toBe('Running')
      expect(running.metadata?.labels).toEqual({})
      const relabelled = await core.replaceNamespacedPod({ name: 'p', namespace: 'default', body: { ...running, metadata: { ...running.metadata, labels: { a: '1' } }, status: { phase: 'Failed' } } })
      expect(relabelled.status?.phase).toBe('Running')
      expect(relabelled.metadata?.labels).toEqual({ a: '1' })
    })

    it('refuses a strategic merge patch on a custom resource with 415, as kube-apiserver does', async () => {
      const { custom } = await setup()
      await custom.createNamespacedCustomObject({ ...RS, namespace: 'liqo-tenant-provider', body: aResourceSlice('contract-1') })
      const failure = await failureOf(
        custom.patchNamespacedCustomObject(
          { ...RS, namespace: 'liqo-tenant-provider', name: 'contract-1', body: { spec: { class: 'gold' } } },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        ),
      )
      expect(failure.code).toBe(415)
    })

    it('works through KubernetesObjectApi, which reads discovery first', async () => {
      const { objects } = await setup()
      await objects.create(aResourceSlice('contract-2'))
      const read = await objects.read({ apiVersion: 'authentication.liqo.io/v1beta1', kind: 'ResourceSlice', metadata: { name: 'contract-2', namespace: 'liqo-tenant-provider' } })
      expect(read.metadata?.uid).toBeDefined()
      const listed = await objects.list('authentication.liqo.io/v1beta1', 'ResourceSlice', 'liqo-tenant-provider')
      expect(listed.items.map((i) => i.metadata?.name)).toEqual(['contract-2'])
      await objects.delete({ apiVersion: 'authentication.liqo.io/v1beta1', kind: 'ResourceSlice', metadata: { name: 'contract-2', namespace: 'liqo-tenant-provider' } })
      expect((await objects.list('authentication.liqo.io/v1beta1', 'ResourceSlice')).items).toEqual([])
    })

    async function setup() {
      return start()
    }
  })

  describe('watch', () => {
    it('streams ADDED, MODIFIED and DELETED from a resourceVersion, with watch=1 too', async () => {
      const { core, kc } = await setup()
      await core.createNode({ body: aNode({ name: 'before' }) })
      const { resourceVersion } = (await core.listNode()).metadata ?? {}
      const watch = await watchInto(kc, '/api/v1/nodes', { watch: 1, resourceVersion: resourceVersion ?? '' })
      await core.createNode({ body: aNode({ name: 'worker-1' }) })
      await core.patchNode({ name: 'worker-1', body: [{ op: 'add', path: '/metadata/labels/zone', value: 'a' }] })
      await core.deleteNode({ name: 'worker-1' })
      await vi.waitFor(() => expect(watch.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED worker-1', 'MODIFIED worker-1', 'DELETED worker-1']))
      watch.controller.abort()
    })

    it('replays the current objects as ADDED when no resourceVersion is given, honouring selectors', async () => {
      const { core, kc } = await setup()
      await core.createNamespacedPod({ namespace: 'default', body: aPod('web', { labels: { app: 'web' } }) })
      await core.createNamespacedPod({ namespace: 'default', body: aPod('db', { labels: { app: 'db' } }) })
      const watch = await watchInto(kc, '/api/v1/namespaces/default/pods', { labelSelector: 'app=web' })
      await core.patchNamespacedPod({ name: 'web', namespace: 'default', body: [{ op: 'replace', path: '/metadata/labels/app', value: 'api' }] })
      await core.patchNamespacedPod({ name: 'db', namespace: 'default', body: [{ op: 'replace', path: '/metadata/labels/app', value: 'web' }] })
      await vi.waitFor(() => expect(watch.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED web', 'DELETED web', 'ADDED db']))
      watch.controller.abort()
    })

    it('watches one namespace only', async () => {
      const { core, kc } = await setup()
      const watch = await watchInto(kc, '/api/v1/namespaces/data/configmaps', { watch: true })
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'elsewhere' } } })
      await core.createNamespacedConfigMap({ namespace: 'data', body: { metadata: { name: 'here' } } })
      await vi.waitFor(() => expect(watch.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED here']))
      watch.controller.abort()
    })

    it('sends BOOKMARK events when allowed', async () => {
      const { core, kc } = await setup({ bookmarkIntervalMs: 20 })
      await core.createNode({ body: aNode({ name: 'worker-1' }) })
      const watch = await watchInto(kc, '/api/v1/nodes', { watch: true, resourceVersion: '1', allowWatchBookmarks: true })
      await vi.waitFor(() => expect(watch.events.filter((e) => e.type === 'BOOKMARK').length).toBeGreaterThanOrEqual(2))
      expect(watch.events.find((e) => e.type === 'BOOKMARK')?.object.metadata?.resourceVersion).toBe('1')
      watch.controller.abort()
    })

    it('answers a resourceVersion older than the history window with an ERROR event carrying 410 Expired', async () => {
      const { core, kc } = await setup({ historyWindow: 2 })
      for (const name of ['a', 'b', 'c', 'd']) await core.createNode({ body: aNode({ name }) })
      const watch = await watchInto(kc, '/api/v1/nodes', { watch: true, resourceVersion: '1' })
      await vi.waitFor(() => expect(watch.events).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]))
      const recent = await watchInto(kc, '/api/v1/nodes', { watch: true, resourceVersion: '2' })
      await vi.waitFor(() => expect(recent.events.map((e) => e.object.metadata?.name)).toEqual(['c', 'd']))
      recent.controller.abort()
    })

    it('ends the stream after timeoutSeconds', async () => {
      const { kc } = await setup()
      const watch = await watchInto(kc, '/api/v1/nodes', { watch: true, timeoutSeconds: 1 })
      await vi.waitFor(() => expect(watch.ended()).toBeNull(), { timeout: 3000 })
    })

    async function setup(options: FakeKubeOptions = {}) {
      return start(options)
    }
  })

  describe('an informer', () => {
    it('lists, follows changes, and survives a forced 410 by relisting', async () => {
      const { core, fake, informer, names, lists } = await setup()
      await vi.waitFor(() => expect(names()).toEqual(['worker-1']))
      await core.createNode({ body: aNode({ name: 'worker-2' }) })
      await vi.waitFor(() => expect(names()).toEqual(['worker-1', 'worker-2']))
      expect(lists()).toBe(1)
      fake.expireWatches()
      await vi.waitFor(() => expect(lists()).toBe(2))
      await core.deleteNode({ name: 'worker-1' })
      await vi.waitFor(() => expect(names()).toEqual(['worker-2']))
      await informer.stop()
    })

    it('resumes a dropped watch from its resourceVersion without relisting', async () => {
      const { core, fake, informer, names, lists } = await setup()
      await vi.waitFor(() => expect(names()).toEqual(['worker-1']))
      await core.createNode({ body: aNode({ name: 'worker-2' }) })
      await vi.waitFor(() => expect(names()).toEqual(['worker-1', 'worker-2']))
      fake.dropWatches()
      await vi.waitFor(() => expect(fake.requests.filter((r) => r.path === '/api/v1/nodes?watch=true&resourceVersion=2').length).toBe(1))
      await core.deleteNode({ name: 'worker-2' })
      await vi.waitFor(() => expect(names()).toEqual(['worker-1']))
      expect(lists()).toBe(1)
      await informer.stop()
    })

    it('relists when, after a partition, its resourceVersion has left the history window', async () => {
      const { core, fake, informer, names, lists } = await setup({ historyWindow: 1 })
      await vi.waitFor(() => expect(names()).toEqual(['worker-1']))
      const release = fake.holdWatches()
      await core.createNode({ body: aNode({ name: 'worker-2' }) })
      await core.createNode({ body: aNode({ name: 'worker-3' }) })
      await core.deleteNode({ name: 'worker-1' })
      release()
      await vi.waitFor(() => expect(names()).toEqual(['worker-2', 'worker-3']))
      expect(lists()).toBe(2)
      await informer.stop()
    })

    async function setup(options: FakeKubeOptions = {}) {
      const started = await start(options)
      await started.core.createNode({ body: aNode({ name: 'worker-1' }) })
      const informer = makeInformer(started.kc, '/api/v1/nodes', () => started.core.listNode())
      informer.on('error', () => {})
      await informer.start()
      const names = () => informer.list().map((n) => n.metadata?.name).sort()
      const lists = () => started.fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/nodes').length
      return { ...started, informer, names, lists }
    }
  })

  describe('authentication and kubeconfig', () => {
    it('answers 401 without the bearer token, and serves a client loaded from the kubeconfig YAML', async () => {
      const { fake } = await setup()
      const anonymous = new KubeConfig()
      anonymous.loadFromOptions({ ...fake.kubeconfig.options, users: [{ name: 'fake-kube' }] })
      await expect(anonymous.makeApiClient(CoreV1Api).listNode()).rejects.toMatchObject({ code: 401 })
      const fromYaml = new KubeConfig()
      fromYaml.loadFromString(fake.kubeconfig.yaml)
      expect((await fromYaml.makeApiClient(CoreV1Api).listNode()).items).toEqual([])
    })

    async function setup() {
      return start({ token: 'secret-token' })
    }
  })

  describe('the in-process store and change hooks', () => {
    it('lets a simulated controller accept a ResourceSlice created through the API', async () => {
      const { custom, fake } = await setup()
      await custom.createNamespacedCustomObject({ ...RS, namespace: 'liqo-tenant-provider', body: aResourceSlice('contract-1') })
      await vi.waitFor(async () => {
        const slice = (await custom.getNamespacedCustomObject({ ...RS, namespace: 'liqo-tenant-provider', name: 'contract-1' })) as { status?: unknown }
        expect(slice.status).toEqual({ conditions: [{ type: 'Resources', status: 'Accepted' }] })
      })
      expect(fake.store.list('authentication.liqo.io/v1beta1', 'ResourceSlice').map((s) => s.metadata.name)).toEqual(['contract-1'])
    })

    it('applies objects whole, status included, and deletes them', async () => {
      const { core, fake } = await setup()
      fake.store.apply({ apiVersion: 'v1', kind: 'Pod', ...aPod('p'), metadata: { name: 'p', namespace: 'default' }, status: { phase: 'Running' } })
      expect((await core.readNamespacedPod({ name: 'p', namespace: 'default' })).status?.phase).toBe('Running')
      fake.store.apply({ apiVersion: 'v1', kind: 'Pod', ...aPod('p'), metadata: { name: 'p', namespace: 'default' }, status: { phase: 'Succeeded' } })
      expect(fake.store.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'p' })?.['status']).toEqual({ phase: 'Succeeded' })
      expect(fake.store.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'p' })).toBe(true)
      expect(fake.store.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'p' })).toBeUndefined()
    })

    async function setup() {
      const started = await start()
      started.fake.onChange((event) => {
        if (event.type === 'ADDED' && event.object.kind === 'ResourceSlice')
          started.fake.store.patchStatus(
            { apiVersion: 'authentication.liqo.io/v1beta1', kind: 'ResourceSlice', namespace: event.object.metadata.namespace ?? '', name: event.object.metadata.name ?? '' },
            { conditions: [{ type: 'Resources', status: 'Accepted' }] },
          )
      })
      return started
    }
  })
})
