import { ApiException, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node'
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node'

/** A Kubernetes object as the agent writes it: plain JSON with apiVersion, kind and metadata. */
export type KubeObject = KubernetesObject & { metadata: { name: string; namespace?: string }; [field: string]: unknown }

/** Names one object. */
export interface ObjectRef {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
}

/** Liqo's custom resources the agent touches, with their plurals (`publickeies` is Liqo's own spelling). */
const LIQO_PLURALS: Readonly<Record<string, string>> = {
  Configuration: 'configurations',
  GatewayServer: 'gatewayservers',
  GatewayClient: 'gatewayclients',
  PublicKey: 'publickeies',
  Connection: 'connections',
  Tenant: 'tenants',
  Identity: 'identities',
  ResourceSlice: 'resourceslices',
  VirtualNode: 'virtualnodes',
  NamespaceOffloading: 'namespaceoffloadings',
  Network: 'networks',
}

const isLiqo = (apiVersion: string) => apiVersion.split('/')[0]?.endsWith('liqo.io') ?? false

/** The HTTP status of a failed API call; undefined for network errors. */
export const statusOf = (error: unknown): number | undefined => (error instanceof ApiException ? error.code : undefined)

/** A readiness wait that ran out of time: the command fails with what it waited for. */
export class DeadlineError extends Error {
  constructor(what: string, seconds: number) {
    super(`${what} not ready after ${seconds} s`)
    this.name = 'DeadlineError'
  }
}

/** How readiness waits poll: from `firstDelayMs`, doubling up to `maxDelayMs`, until `timeoutMs`. */
export interface WaitOptions {
  timeoutMs: number
  firstDelayMs?: number
  maxDelayMs?: number
}

export const DEFAULT_WAIT: WaitOptions = { timeoutMs: 120_000, firstDelayMs: 100, maxDelayMs: 2_000 }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The agent's one way to read and write its cluster: create-or-merge (so applying twice changes
 * nothing), delete tolerating absence, and readiness waits with a deadline and backoff (never a
 * fixed sleep, reference §14 bugs 26–27). Liqo kinds go through the custom objects API, whose paths
 * name the group, so Liqo's ResourceSlice is never confused with `resource.k8s.io`'s.
 */
export class ClusterObjects {
  private readonly objects: KubernetesObjectApi
  private readonly custom: CustomObjectsApi

  constructor(
    kubeConfig: KubeConfig,
    private readonly wait: WaitOptions = DEFAULT_WAIT,
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig)
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi)
  }

  private liqoPath(ref: ObjectRef) {
    const [group = '', version = ''] = ref.apiVersion.split('/')
    const plural = LIQO_PLURALS[ref.kind]
    if (!plural) throw new Error(`unsupported Liqo kind ${ref.kind}`)
    return { group, version, plural, namespace: ref.namespace ?? '' }
  }

  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      if (isLiqo(ref.apiVersion)) return (await this.custom.getNamespacedCustomObject({ ...this.liqoPath(ref), name: ref.name })) as T
      return (await this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } })) as unknown as T
    } catch (error) {
      if (statusOf(error) === 404) return undefined
      throw error
    }
  }

  /** Creates `object`, or merges its labels, annotations and spec-like fields into the existing one. */
  async ensure<T extends KubeObject>(object: T): Promise<T> {
    try {
      if (isLiqo(object.apiVersion ?? '')) return (await this.custom.createNamespacedCustomObject({ ...this.liqoPath(refOf(object)), body: object })) as T
      return (await this.objects.create(object)) as unknown as T
    } catch (error) {
      if (statusOf(error) !== 409) throw error
      return this.merge(object)
    }
  }

  /** A JSON merge patch of everything but status. */
  async merge<T extends KubeObject>(object: T): Promise<T> {
    const { status: _status, ...patch } = object
    if (isLiqo(object.apiVersion ?? '')) {
      return (await this.custom.patchNamespacedCustomObject({ ...this.liqoPath(refOf(object)), name: object.metadata.name, body: patch }, mergePatch())) as T
    }
    return (await this.objects.patch(patch as KubernetesObject, undefined, undefined, 'rear-agent', undefined, PatchStrategy.MergePatch)) as unknown as T
  }

  /** Deletes the object; one already gone is fine. True when something was deleted. */
  async remove(ref: ObjectRef): Promise<boolean> {
    try {
      if (isLiqo(ref.apiVersion)) await this.custom.deleteNamespacedCustomObject({ ...this.liqoPath(ref), name: ref.name })
      else await this.objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } })
      return true
    } catch (error) {
      if (statusOf(error) === 404) return false
      throw error
    }
  }

  /** Objects of a kind in a namespace (all namespaces when none), by label selector. */
  async list(ref: Omit<ObjectRef, 'name'>, labelSelector?: string): Promise<KubeObject[]> {
    if (isLiqo(ref.apiVersion)) {
      const path = this.liqoPath({ ...ref, name: '' })
      const answer = (await this.custom.listNamespacedCustomObject({ ...path, ...(labelSelector ? { labelSelector } : {}) })) as { items?: KubeObject[] }
      return answer.items ?? []
    }
    const answer = await this.objects.list(ref.apiVersion, ref.kind, ref.namespace, undefined, undefined, undefined, undefined, labelSelector)
    return answer.items as KubeObject[]
  }

  /**
   * Reads `ref` until `ready` says so, backing off from 100 ms to 2 s, until the deadline. `ready`
   * may throw to fail at once (a Denied condition). API errors other than 404 are retried too.
   */
  async waitFor<T extends KubeObject = KubeObject>(ref: ObjectRef, what: string, ready: (object: T) => boolean, options: Partial<WaitOptions> = {}): Promise<T> {
    const { timeoutMs, firstDelayMs = 100, maxDelayMs = 2_000 } = { ...this.wait, ...options }
    const deadline = Date.now() + timeoutMs
    let delay = firstDelayMs
    for (;;) {
      let object: T | undefined
      try {
        object = await this.get<T>(ref)
      } catch (error) {
        if (Date.now() >= deadline) throw error
      }
      if (object && ready(object)) return object
      if (Date.now() >= deadline) throw new DeadlineError(what, Math.round(timeoutMs / 1000))
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())))
      delay = Math.min(maxDelayMs, delay * 2)
    }
  }
}

export const refOf = (object: KubeObject): ObjectRef => ({
  apiVersion: object.apiVersion ?? '',
  kind: object.kind ?? '',
  name: object.metadata.name,
  ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
})

const mergePatch = () => setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
