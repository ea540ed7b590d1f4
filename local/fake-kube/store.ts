import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts'
import { apiVersionOf, typeByKind } from './resources.ts'
import type { ResourceType } from './resources.ts'
import type { KubeObject, Selector } from './selectors.ts'
import { alreadyExists, badRequest, conflict, failure, invalid, KubeError, notFound } from './status.ts'

/** Names one object for in-process callers. */
export interface ObjectRef {
  apiVersion: string
  kind: string
  namespace?: string
  name: string
}

/** One write, as watches stream it and change hooks receive it. */
export interface ChangeEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED'
  resource: ResourceType
  object: KubeObject
  previous?: KubeObject
  resourceVersion: number
}

/** A reaction to every write, for simulated controllers; it may write back to the store. */
export type ChangeHook = (event: ChangeEvent) => void | Promise<void>

/** Content types the fake accepts on PATCH. */
export type PatchType = 'application/json-patch+json' | 'application/merge-patch+json' | 'application/strategic-merge-patch+json'

interface StoreOptions {
  historyWindow: number
  now: () => Date
}

const keyOf = (type: ResourceType, namespace: string | undefined, name: string) => `${type.group}/${type.plural}/${namespace ?? ''}/${name}`

const withoutVolatile = (object: KubeObject): string => {
  const { resourceVersion: _rv, ...metadata } = object.metadata
  return JSON.stringify({ ...object, metadata })
}

const specOf = (object: KubeObject): string => {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object
  return JSON.stringify(rest)
}

/** A Secret's `stringData` merged into `data` (base64) and dropped, as kube-apiserver stores it; other kinds unchanged. */
const withStringData = (type: ResourceType, object: KubeObject): KubeObject => {
  const stringData = object['stringData']
  if (type.group !== '' || type.kind !== 'Secret' || !stringData || typeof stringData !== 'object') return object
  const { stringData: _stringData, ...rest } = object
  const encoded = Object.entries(stringData as Record<string, unknown>).map(([key, value]) => [key, Buffer.from(String(value)).toString('base64')])
  return { ...rest, data: { ...((object['data'] as Record<string, string> | undefined) ?? {}), ...Object.fromEntries(encoded) } }
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

/** The in-memory object store of the fake API server: one global resourceVersion, a bounded event history, change hooks. */
export class FakeKubeStore {
  private readonly objects = new Map<string, KubeObject>()
  private readonly history: ChangeEvent[] = []
  private readonly watchers = new Set<(event: ChangeEvent) => void>()
  private readonly hooks = new Set<ChangeHook>()
  private revision = 0
  private compacted = 0
  private counter = 0

  constructor(private readonly options: StoreOptions) {}

  /** The current global resourceVersion. */
  get resourceVersion(): number {
    return this.revision
  }

  /** Reads one object, or throws NotFound. */
  read(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.objects.get(keyOf(type, type.namespaced ? namespace : undefined, name))
    if (!found) throw notFound(type, name)
    return structuredClone(found)
  }

  /** Lists objects of a type, in one namespace or all, filtered by selectors, sorted by namespace and name. */
  listOf(type: ResourceType, namespace: string | undefined, selectors: Selector[] = []): { items: KubeObject[]; resourceVersion: number } {
    const prefix = `${type.group}/${type.plural}/${type.namespaced && namespace ? namespace + '/' : ''}`
    const items = [...this.objects.entries()]
      .filter(([key, object]) => key.startsWith(prefix) && selectors.every((s) => s(object)))
      .map(([, object]) => structuredClone(object))
      .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`))
    return { items, resourceVersion: this.revision }
  }

  /** Creates an object: name (or `generateName`), uid, creationTimestamp, resourceVersion, generation; 409 if the name is taken. */
  create(type: ResourceType, namespace: string | undefined, body: KubeObject, keepStatus = false): KubeObject {
    const metadata = { ...(body.metadata ?? {}) }
    if (type.namespaced) {
      if (metadata.namespace && namespace && metadata.namespace !== namespace)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
      metadata.namespace = namespace ?? metadata.namespace ?? 'default'
    } else delete metadata.namespace
    const name = metadata.name ?? (typeof metadata['generateName'] === 'string' ? metadata['generateName'] + this.suffix() : undefined)
    if (!name) throw invalid(type, '', 'name or generateName is required')
    const key = keyOf(type, metadata.namespace, name)
    if (this.objects.has(key)) throw alreadyExists(type, name)
    const object: KubeObject = { ...withStringData(type, structuredClone(body)), apiVersion: apiVersionOf(type), kind: type.kind }
    if (type.hasStatus && !type.statusOnCreate && !keepStatus) {
      if (type.kind === 'Pod') object['status'] = { phase: 'Pending' }
      else delete object['status']
    }
    object.metadata = {
      ...structuredClone(metadata),
      name,
      uid: this.uid(),
      creationTimestamp: this.timestamp(),
      generation: 1,
      resourceVersion: this.bump(),
    }
    delete object.metadata['deletionTimestamp']
    this.objects.set(key, object)
    this.publish({ type: 'ADDED', resource: type, object: structuredClone(object), resourceVersion: this.revision })
    return structuredClone(object)
  }

  /** Replaces an object (PUT): 409 on a stale resourceVersion; the main resource keeps status, `/status` changes only status. */
  update(type: ResourceType, namespace: string | undefined, name: string, body: KubeObject, subresource?: 'status', keepStatus = false): KubeObject {
    const current = this.read(type, namespace, name)
    const sentVersion = body.metadata?.['resourceVersion']
    if (sentVersion !== undefined && sentVersion !== '' && sentVersion !== current.metadata['resourceVersion']) throw conflict(type, name)
    if (body.metadata?.name !== undefined && body.metadata.name !== name) throw badRequest('the name of the object does not match the name on the URL')
    let next: KubeObject
    if (subresource === 'status') next = { ...current, status: structuredClone(body['status']) }
    else {
      next = { ...withStringData(type, structuredClone(body)), apiVersion: apiVersionOf(type), kind: type.kind }
      if (type.hasStatus && !keepStatus) {
        if (current['status'] === undefined) delete next['status']
        else next['status'] = current['status']
      }
      next.metadata = {
        ...structuredClone(body.metadata ?? {}),
        name,
        ...(type.namespaced ? { namespace: current.metadata.namespace } : {}),
        uid: current.metadata['uid'],
        creationTimestamp: current.metadata['creationTimestamp'],
        generation: current.metadata['generation'],
        ...(current.metadata['deletionTimestamp'] ? { deletionTimestamp: current.metadata['deletionTimestamp'] } : {}),
      }
      if (!type.namespaced) delete next.metadata.namespace
      if (next['status'] === undefined) delete next['status']
    }
    return this.commit(type, current, next)
  }

  /** Applies a PATCH of the given content type; strategic merge patch on a custom resource is refused with 415. */
  patch(type: ResourceType, namespace: string | undefined, name: string, contentType: string, patch: unknown, subresource?: 'status'): KubeObject {
    const current = this.read(type, namespace, name)
    let patched: unknown
    if (contentType === 'application/json-patch+json') patched = jsonPatch(current, patch)
    else if (contentType === 'application/merge-patch+json') patched = mergePatch(current, patch)
    else if (contentType === 'application/strategic-merge-patch+json' && !type.custom) patched = strategicMergePatch(current, patch)
    else throw new KubeError(failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json${type.custom ? '' : ', application/strategic-merge-patch+json'}`))
    const object = patched as KubeObject
    if (object.metadata?.['resourceVersion'] === current.metadata['resourceVersion']) delete object.metadata['resourceVersion']
    return this.update(type, namespace, name, object, subresource)
  }

  /** Deletes an object; one with finalizers only gets a deletionTimestamp. A namespace takes its objects with it. */
  remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const current = this.read(type, namespace, name)
    const finalizers = current.metadata['finalizers']
    if (Array.isArray(finalizers) && finalizers.length > 0) {
      if (current.metadata['deletionTimestamp']) return current
      return this.commit(type, current, { ...current, metadata: { ...current.metadata, deletionTimestamp: this.timestamp() } })
    }
    return this.erase(type, current)
  }

  /** Events after a resourceVersion, or `'expired'` when that version is older than the retained history. */
  eventsSince(resourceVersion: number): ChangeEvent[] | 'expired' {
    if (resourceVersion < this.compacted) return 'expired'
    return this.history.filter((e) => e.resourceVersion > resourceVersion)
  }

  /** Streams every later write to a watcher, before change hooks run. */
  subscribe(watcher: (event: ChangeEvent) => void): () => void {
    this.watchers.add(watcher)
    return () => this.watchers.delete(watcher)
  }

  /** Registers a change hook; returns its unregistration. */
  onChange(hook: ChangeHook): () => void {
    this.hooks.add(hook)
    return () => this.hooks.delete(hook)
  }

  /** Reads an object by reference, or `undefined`. */
  get(ref: ObjectRef): KubeObject | undefined {
    try {
      return this.read(this.typeOf(ref), ref.namespace, ref.name)
    } catch (error) {
      if (error instanceof KubeError && error.status.code === 404) return undefined
      throw error
    }
  }

  /** Lists objects of a kind, optionally in one namespace and filtered. */
  list(apiVersion: string, kind: string, options: { namespace?: string; selectors?: Selector[] } = {}): KubeObject[] {
    return this.listOf(this.typeOf({ apiVersion, kind, name: '' }), options.namespace, options.selectors).items
  }

  /** Creates or replaces an object whole, status included, as a simulated controller or a test fixture writes it. */
  apply(object: KubeObject): KubeObject {
    const type = this.typeOf({ apiVersion: object.apiVersion ?? '', kind: object.kind ?? '', name: '' })
    const name = object.metadata.name ?? ''
    const existing = this.get({ apiVersion: apiVersionOf(type), kind: type.kind, namespace: object.metadata.namespace ?? 'default', name })
    const body = { ...object, metadata: { ...object.metadata, resourceVersion: undefined } }
    delete body.metadata.resourceVersion
    if (!existing) return this.create(type, object.metadata.namespace, body, true)
    return this.update(type, existing.metadata.namespace, name, body, undefined, true)
  }

  /** Deletes an object by reference; finalizers are honoured. Returns whether it existed. */
  delete(ref: ObjectRef): boolean {
    const type = this.typeOf(ref)
    if (!this.get(ref)) return false
    this.remove(type, ref.namespace, ref.name)
    return true
  }

  /** Merges a status into an object, as a controller reports progress. */
  patchStatus(ref: ObjectRef, status: unknown): KubeObject {
    const type = this.typeOf(ref)
    return this.patch(type, ref.namespace, ref.name, 'application/merge-patch+json', { status }, type.hasStatus ? 'status' : undefined)
  }

  private typeOf(ref: ObjectRef): ResourceType {
    const type = typeByKind(ref.apiVersion, ref.kind)
    if (!type) throw badRequest(`no kind ${ref.kind} is registered for ${ref.apiVersion}`)
    return type
  }

  private commit(type: ResourceType, current: KubeObject, next: KubeObject): KubeObject {
    if (withoutVolatile(next) === withoutVolatile(current)) return current
    if (specOf(next) !== specOf(current)) next.metadata['generation'] = Number(current.metadata['generation'] ?? 0) + 1
    const finalizers = next.metadata['finalizers']
    if (next.metadata['deletionTimestamp'] && !(Array.isArray(finalizers) && finalizers.length > 0)) return this.erase(type, next, current)
    next.metadata['resourceVersion'] = this.bump()
    this.objects.set(keyOf(type, next.metadata.namespace, next.metadata.name ?? ''), next)
    this.publish({ type: 'MODIFIED', resource: type, object: structuredClone(next), previous: current, resourceVersion: this.revision })
    return structuredClone(next)
  }

  private erase(type: ResourceType, current: KubeObject, previous?: KubeObject): KubeObject {
    if (type.kind === 'Namespace' && type.group === '')
      for (const [key, object] of [...this.objects.entries()])
        if (object.metadata.namespace === current.metadata.name && key.split('/')[2] === current.metadata.name) {
          const child = typeByKind(object.apiVersion ?? '', object.kind ?? '')
          if (child) this.erase(child, object)
        }
    this.objects.delete(keyOf(type, current.metadata.namespace, current.metadata.name ?? ''))
    const gone = { ...structuredClone(current), metadata: { ...structuredClone(current.metadata), resourceVersion: this.bump() } }
    this.publish({ type: 'DELETED', resource: type, object: gone, previous: previous ?? current, resourceVersion: this.revision })
    return structuredClone(gone)
  }

  private publish(event: ChangeEvent): void {
    this.history.push(event)
    while (this.history.length > this.options.historyWindow) this.compacted = this.history.shift()?.resourceVersion ?? this.compacted
    for (const watcher of [...this.watchers]) watcher(event)
    for (const hook of [...this.hooks]) {
      try {
        void Promise.resolve(hook(structuredClone(event))).catch((error: unknown) => console.error('fake-kube change hook failed', error))
      } catch (error) {
        console.error('fake-kube change hook failed', error)
      }
    }
  }

  private bump(): string {
    this.revision += 1
    return String(this.revision)
  }

  private uid(): string {
    this.counter += 1
    return `00000000-0000-4000-8000-${this.counter.toString(16).padStart(12, '0')}`
  }

  private suffix(): string {
    this.counter += 1
    let n = this.counter * 7919
    let out = ''
    for (let i = 0; i < 5; i++) {
      out += SUFFIX_ALPHABET[n % SUFFIX_ALPHABET.length]
      n = Math.floor(n / SUFFIX_ALPHABET.length)
    }
    return out
  }

  private timestamp(): string {
    return this.options.now().toISOString().replace(/\.\d{3}Z$/, 'Z')
  }
}
