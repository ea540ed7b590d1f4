import { badRequest, KubeError, failure } from './status.ts'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

const clone = <T>(value: T): T => structuredClone(value)

/** RFC 7386 JSON merge patch: maps merge, `null` deletes, anything else replaces. */
export const mergePatch = (target: unknown, patch: unknown): unknown => {
  if (!isObject(patch)) return clone(patch)
  const result: JsonObject = isObject(target) ? clone(target) : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else result[key] = mergePatch(result[key], value) as Json
  }
  return result
}

/** List fields merged by key under strategic merge patch, as the built-in types declare `patchMergeKey`. */
export const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  conditions: 'type',
  finalizers: '',
}

const mergeKeyedList = (target: Json[], patch: Json[], key: string): Json[] => {
  if (key === '') return [...target, ...patch.filter((p) => !target.includes(p))]
  const result = clone(target)
  for (const item of patch) {
    if (!isObject(item)) continue
    const index = result.findIndex((t) => isObject(t) && t[key] === item[key])
    if (item['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1)
    } else if (index >= 0) result[index] = strategicMergePatch(result[index], item) as Json
    else result.push(strategicMergePatch({}, item) as Json)
  }
  return result
}

/** Strategic merge patch for built-in kinds: maps merge, lists in {@link MERGE_KEYS} merge by key, other lists replace. */
export const strategicMergePatch = (target: unknown, patch: unknown): unknown => {
  if (!isObject(patch)) return clone(patch)
  if (patch['$patch'] === 'replace') {
    const { $patch: _, ...rest } = patch
    return clone(rest)
  }
  const result: JsonObject = isObject(target) ? clone(target) : {}
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue
    const mergeKey = MERGE_KEYS[key]
    if (value === null) delete result[key]
    else if (Array.isArray(value) && mergeKey !== undefined && Array.isArray(result[key])) result[key] = mergeKeyedList(result[key] as Json[], value, mergeKey)
    else if (Array.isArray(value)) result[key] = clone(value).map((v) => (isObject(v) ? (strategicMergePatch({}, v) as Json) : v))
    else result[key] = strategicMergePatch(result[key], value) as Json
  }
  return result
}

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  path: string
  from?: string
  value?: Json
}

const pointer = (path: string): string[] => {
  if (path === '') return []
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer: ${path}`)
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
}

const unprocessable = (message: string): KubeError => new KubeError(failure(422, 'Invalid', message))

const parentOf = (doc: Json, tokens: string[]): { parent: Json; last: string } => {
  let node: Json = doc
  for (const token of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined
    if (next === undefined) throw unprocessable(`path not found: /${tokens.join('/')}`)
    node = next
  }
  return { parent: node, last: tokens[tokens.length - 1] ?? '' }
}

const read = (doc: Json, path: string): Json => {
  const tokens = pointer(path)
  if (tokens.length === 0) return doc
  const { parent, last } = parentOf(doc, tokens)
  const value = Array.isArray(parent) ? parent[Number(last)] : isObject(parent) ? parent[last] : undefined
  if (value === undefined) throw unprocessable(`path not found: ${path}`)
  return value
}

const remove = (doc: Json, path: string): Json => {
  const { parent, last } = parentOf(doc, pointer(path))
  const value = read(doc, path)
  if (Array.isArray(parent)) parent.splice(Number(last), 1)
  else if (isObject(parent)) delete parent[last]
  return value
}

const add = (doc: Json, path: string, value: Json): Json => {
  const tokens = pointer(path)
  if (tokens.length === 0) return value
  const { parent, last } = parentOf(doc, tokens)
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last)
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw unprocessable(`index out of range: ${path}`)
    parent.splice(index, 0, value)
  } else if (isObject(parent)) parent[last] = value
  else throw unprocessable(`path not found: ${path}`)
  return doc
}

/** RFC 6902 JSON Patch: add, remove, replace, move, copy and test. */
export const jsonPatch = (target: unknown, operations: unknown): unknown => {
  if (!Array.isArray(operations)) throw badRequest('a JSON patch must be an array of operations')
  let doc = clone(target) as Json
  for (const op of operations as Operation[]) {
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, clone(op.value ?? null))
        break
      case 'remove':
        remove(doc, op.path)
        break
      case 'replace':
        read(doc, op.path)
        if (op.path === '') doc = clone(op.value ?? null)
        else {
          remove(doc, op.path)
          doc = add(doc, op.path, clone(op.value ?? null))
        }
        break
      case 'move':
        doc = add(doc, op.path, remove(doc, op.from ?? ''))
        break
      case 'copy':
        doc = add(doc, op.path, clone(read(doc, op.from ?? '')))
        break
      case 'test':
        if (JSON.stringify(read(doc, op.path)) !== JSON.stringify(op.value)) throw unprocessable(`test failed: ${op.path}`)
        break
      default:
        throw badRequest(`unknown JSON patch operation: ${String((op as { op: unknown }).op)}`)
    }
  }
  return doc
}
