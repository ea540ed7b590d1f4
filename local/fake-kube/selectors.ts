import { badRequest } from './status.ts'

/** A parsed selector: an object matches when every requirement holds. */
export type Selector = (object: KubeObject) => boolean

/** Any stored object: only metadata is known to the store. */
export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata: { name?: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown }
  [key: string]: unknown
}

const splitTopLevel = (text: string): string[] => {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}

const labelRequirement = (text: string): ((labels: Record<string, string>) => boolean) => {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text)
  if (set) {
    const [, key = '', op, list = ''] = set
    const values = list.split(',').map((v) => v.trim())
    return op === 'in' ? (l) => key in l && values.includes(l[key] ?? '') : (l) => !(key in l) || !values.includes(l[key] ?? '')
  }
  const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(text)
  if (cmp) {
    const [, key = '', op, value = ''] = cmp
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value
  }
  const absent = /^!\s*([^\s!=()]+)$/.exec(text)
  if (absent) return (l) => !((absent[1] ?? '') in l)
  if (/^[^\s!=(),]+$/.test(text)) return (l) => text in l
  throw badRequest(`unable to parse requirement: ${text}`)
}

/** Parses a label selector: `=`, `==`, `!=`, `in`, `notin`, `key` and `!key`. */
export const parseLabelSelector = (text: string | null | undefined): Selector => {
  const requirements = splitTopLevel(text ?? '').map(labelRequirement)
  return (object) => requirements.every((r) => r(object.metadata.labels ?? {}))
}

const valueAt = (object: KubeObject, path: string): string => {
  let value: unknown = object
  for (const part of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined
  return value === undefined || value === null ? '' : String(value)
}

const FIELDS = new Set(['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase', 'spec.unschedulable', 'type'])

/** Parses a field selector over the fields the agent filters on (`metadata.name`, `metadata.namespace`, `spec.nodeName`, `status.phase`). */
export const parseFieldSelector = (text: string | null | undefined): Selector => {
  const requirements = splitTopLevel(text ?? '').map((part) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part)
    if (!m) throw badRequest(`invalid field selector: ${part}`)
    const [, field = '', op, value = ''] = m
    if (!FIELDS.has(field)) throw badRequest(`field label not supported: ${field}`)
    return op === '!=' ? (o: KubeObject) => valueAt(o, field) !== value : (o: KubeObject) => valueAt(o, field) === value
  })
  return (object) => requirements.every((r) => r(object))
}
