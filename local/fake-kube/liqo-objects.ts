import type { KubeObject } from './selectors.ts'
import type { FakeKubeStore, ObjectRef } from './store.ts'

/** A stored object as the simulated controllers read it: spec and status are loose maps, since nothing is validated. */
export type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> }

/** What simulateLiqo hands each simulated controller, so they share one store, one reader and one delay. */
export interface ControllerContext {
  store: FakeKubeStore
  /** Reads one object, or `undefined`. */
  read(apiVersion: string, kind: string, namespace: string | undefined, name: string): Obj | undefined
  /** Runs a reconcile step now (`delayMs` 0) or once after `delayMs`; steps with the same key pending coalesce. */
  later(key: string, step: () => void): void
}

/** A simulated controller: `react` sees every write (after the fact), `resync` reconciles what already exists at start. */
export interface SimulatedController {
  react(object: Obj, deleted: boolean): void
  resync(): void
}

/** The label Liqo puts on everything that belongs to one peering. */
export const REMOTE_CLUSTER_ID = 'liqo.io/remote-cluster-id'

/** The value as a plain map, or an empty one, so loose spec fields read safely. */
export const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

/** The string-valued entries of a map, as labels and resource lists are. */
export const strings = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(record(value)).filter((e): e is [string, string] => typeof e[1] === 'string'))

/** Structural equality by JSON, enough to skip writes that would change nothing. */
export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** The reference the store takes for an object. */
export const refOf = (object: KubeObject): ObjectRef => ({
  apiVersion: object.apiVersion ?? '',
  kind: object.kind ?? '',
  ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
  name: object.metadata.name ?? '',
})

/** The object unless it is being deleted, since a controller treats a terminating object as gone. */
export const live = (object: Obj | undefined): Obj | undefined => (object && !object.metadata['deletionTimestamp'] ? object : undefined)

/** An owner reference that makes `owner` the controller of the object carrying it. */
export const controllerRef = (owner: Obj) => ({
  apiVersion: owner.apiVersion ?? '',
  kind: owner.kind ?? '',
  name: owner.metadata.name ?? '',
  uid: owner.metadata['uid'],
  controller: true,
  blockOwnerDeletion: true,
})

/** The controlling owner reference of an object of the given kind, if any. */
export const ownerOf = (object: Obj, apiVersion: string, kind: string): Record<string, unknown> | undefined => {
  const owners = object.metadata['ownerReferences']
  return (Array.isArray(owners) ? (owners as Array<Record<string, unknown>>) : []).find((o) => o['apiVersion'] === apiVersion && o['kind'] === kind)
}

/** Base64 of text or bytes, as Secret `data` and `[]byte` fields travel. */
export const base64 = (value: string | Uint8Array): string => Buffer.from(value).toString('base64')
