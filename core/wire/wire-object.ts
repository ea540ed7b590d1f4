import * as z from 'zod'
import { ValidationError } from '../shared/errors.ts'
import { Quantity } from '../quantity/quantity.ts'

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Renames keys the way Go's encoding/json matches them: an exact key wins, otherwise a
 * case-insensitive match; `aliases` map accepted alternative spellings onto the wire key.
 */
function foldKeys(value: unknown, keys: readonly string[], aliases: Record<string, string> = {}): unknown {
  if (!isPlainObject(value)) return value
  const byLower = new Map<string, string>()
  for (const key of keys) byLower.set(key.toLowerCase(), key)
  for (const [alias, key] of Object.entries(aliases)) byLower.set(alias.toLowerCase(), key)
  const folded: Record<string, unknown> = {}
  for (const [key, entry] of Object.entries(value)) {
    if (keys.includes(key)) folded[key] = entry
  }
  for (const [key, entry] of Object.entries(value)) {
    if (keys.includes(key)) continue
    const target = byLower.get(key.toLowerCase())
    if (target === undefined) folded[key] = entry
    else if (!(target in folded)) folded[target] = entry
  }
  return folded
}

interface WireObjectOptions {
  /** Reject keys that are not part of the shape (request bodies); otherwise unknown keys are dropped. */
  strict?: boolean
  aliases?: Record<string, string>
}

/** A zod object whose keys are matched case-insensitively, as Go decodes them. */
export function wireObject<Shape extends z.ZodRawShape>(shape: Shape, options: WireObjectOptions = {}) {
  const object = options.strict ? z.strictObject(shape) : z.object(shape)
  return z.preprocess((value) => foldKeys(value, Object.keys(shape), options.aliases), object)
}

/** A Kubernetes quantity string on the wire, decoded to an exact {@link Quantity}. */
export const quantityString = z.string().transform((text, ctx) => {
  try {
    return Quantity.parse(text)
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a valid Kubernetes quantity` })
    return z.NEVER
  }
})

/** A quantity field Go may leave out: absent decodes as zero, as an unset `resource.Quantity` does. */
export const quantityOrZero = quantityString.default(() => Quantity.zero())

/** Go's `omitempty`: leaves out `undefined`, empty strings and empty objects. */
export function omitEmpty<T extends Record<string, unknown>>(object: T): Partial<T> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === '') continue
    if (isPlainObject(value) && Object.keys(value).length === 0) continue
    out[key] = value
  }
  return out as Partial<T>
}

const formatPath = (path: readonly PropertyKey[]): string => (path.length ? path.map(String).join('.') : 'body')

/** Parses with a wire schema, turning zod's issues into one {@link ValidationError} that names the field. */
export function decodeWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues = result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }))
  const first = issues[0]
  throw new ValidationError(`Invalid ${what}: ${first ? `${first.path}: ${first.message}` : 'malformed'}`, {
    code: 'INVALID_BODY',
    details: { issues },
    cause: result.error,
  })
}

/** RFC 3339 at second precision, as Go marshals a Kubernetes `metav1.Time`. */
export const formatTimestamp = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

export const timestampString = z.string().transform((text, ctx) => {
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not an RFC 3339 date-time` })
    return z.NEVER
  }
  return date
})
