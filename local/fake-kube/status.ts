import type { ResourceType } from './resources.ts'

/** A Kubernetes `Status` object, the body of every error the fake returns. */
export interface KubeStatus {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure' | 'Success'
  reason?: string
  message: string
  code: number
  details?: { name?: string; group?: string; kind?: string }
}

/** An error carrying the Status the HTTP layer answers with. */
export class KubeError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message)
  }
}

/** Builds a failure Status as kube-apiserver words it. */
export const failure = (code: number, reason: string, message: string, type?: ResourceType, name?: string): KubeStatus => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  reason,
  message,
  code,
  ...(type ? { details: { ...(name === undefined ? {} : { name }), group: type.group, kind: type.plural } } : {}),
})

/** 404 for a named object that does not exist. */
export const notFound = (type: ResourceType, name: string): KubeError =>
  new KubeError(failure(404, 'NotFound', `${type.plural}${type.group ? '.' + type.group : ''} "${name}" not found`, type, name))

/** 409 for a create of a name already taken. */
export const alreadyExists = (type: ResourceType, name: string): KubeError =>
  new KubeError(failure(409, 'AlreadyExists', `${type.plural}${type.group ? '.' + type.group : ''} "${name}" already exists`, type, name))

/** 409 for a write based on a stale resourceVersion. */
export const conflict = (type: ResourceType, name: string): KubeError =>
  new KubeError(
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${type.plural}${type.group ? '.' + type.group : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      type,
      name,
    ),
  )

/** 400 for a request the fake cannot read. */
export const badRequest = (message: string): KubeError => new KubeError(failure(400, 'BadRequest', message))

/** 422 for an object that breaks a rule. */
export const invalid = (type: ResourceType, name: string, message: string): KubeError => new KubeError(failure(422, 'Invalid', message, type, name))

/** 410 for a watch from a resourceVersion older than the retained history. */
export const expired = (resourceVersion: string): KubeStatus => failure(410, 'Expired', `too old resource version: ${resourceVersion}`)
