import * as z from 'zod'
import { ValidationError } from '../shared/errors.ts'
import { Quantity } from '../quantity/quantity.ts'

/**
 * Longest id (flavour, transaction, contract, operation, participant). DynamoDB refuses keys over
 * 2,048 bytes and a key may join two ids; FLUIDOS Go ids are under 100 characters.
 */
export const MAX_ID_LENGTH = 256
/** Longest free text (names, descriptions, addresses, domains, prices, locations, map keys). */
export const MAX_TEXT_LENGTH = 4096
/** Longest secret (a kubeconfig, usually base64): real ones are a few KiB. */
export const MAX_SECRET_LENGTH = 65_536
/** Most items in a list (tags, security standards, intents). */
export const MAX_LIST_LENGTH = 256
/**
 * Deepest free-form JSON (service configuration data and templates, flavour properties). DynamoDB
 * refuses items nested over 32 levels, and these values sit a few levels inside their items.
 */
export const MAX_JSON_DEPTH = 16
/** Largest free-form JSON value, serialised: several must fit in one 400 KB DynamoDB item. */
export const MAX_JSON_BYTES = 32_768
/** Longest quantity string: Kubernetes quantities have at most 60 digits and a short suffix. */
const MAX_QUANTITY_LENGTH = 64
/** Keys that reach an object's prototype when assigned; never data. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])
/** DynamoDB numbers run from 1e-130 to 1e126; the document client also refuses unsafe integers. */
const DYNAMO_SMALLEST_NUMBER = 1e-130

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+=~-]*$/
const LONE_SURROGATE = /\p{Cs}/u

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * An id on the wire: 1 to {@link MAX_ID_LENGTH} letters, digits and `._:@+=~-`, starting with a
 * letter or digit. Keeps keys within DynamoDB's limits, `#` (our key separator) and `/` (paths) out.
 */
export const wireId = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .regex(ID_PATTERN, 'must be letters, digits and . _ : @ + = ~ -, starting with a letter or digit')

/** An id Go may leave empty (Go's zero value), otherwise bounded like {@link wireId}. */
export const wireIdOrEmpty = z.union([z.literal(''), wireId])

/** Well-formed text of at most `max` characters (no lone UTF-16 surrogates, which storage cannot encode). */
export const wireText = (max = MAX_TEXT_LENGTH) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((text) => !LONE_SURROGATE.test(text), 'must be well-formed Unicode')

/** A key of a string map: bounded text that cannot reach an object's prototype. */
export const wireKey = wireText(256).refine((key) => !PROTOTYPE_KEYS.has(key), 'is not an allowed key')

/** A list of at most {@link MAX_LIST_LENGTH} items. */
export const wireList = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_LIST_LENGTH, `must have at most ${MAX_LIST_LENGTH} items`)

interface JsonIssue {
  path: (string | number)[]
  message: string
}

/** The first way a free-form JSON value breaks the bounds, or undefined. */
function jsonIssue(root: unknown, dynamoNumbers: boolean): JsonIssue | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }]
  while (stack.length) {
    const { value, path } = stack.pop()!
    if (typeof value === 'string') {
      if (value.length > MAX_TEXT_LENGTH) return { path, message: `must be at most ${MAX_TEXT_LENGTH} characters` }
      if (LONE_SURROGATE.test(value)) return { path, message: 'must be well-formed Unicode' }
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { path, message: 'must be a finite number' }
      const size = Math.abs(value)
      if (dynamoNumbers && (size > Number.MAX_SAFE_INTEGER || (size !== 0 && size < DYNAMO_SMALLEST_NUMBER))) {
        return { path, message: `must be 0 or between ${DYNAMO_SMALLEST_NUMBER} and ${Number.MAX_SAFE_INTEGER} in size` }
      }
    } else if (typeof value === 'object' && value !== null) {
      if (path.length >= MAX_JSON_DEPTH) return { path, message: `nests deeper than ${MAX_JSON_DEPTH} levels` }
      const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((item, i) => [i, item]) : Object.entries(value)
      for (const [key, item] of entries.reverse()) {
        if (typeof key === 'string' && PROTOTYPE_KEYS.has(key)) return { path: [...path, key], message: 'is not an allowed key' }
        if (typeof key === 'string' && key.length > MAX_TEXT_LENGTH) return { path, message: `has a key longer than ${MAX_TEXT_LENGTH} characters` }
        stack.push({ value: item, path: [...path, key] })
      }
    } else if (value !== null && typeof value !== 'boolean') {
      return { path, message: 'must be JSON' }
    }
  }
  return undefined
}

/**
 * Free-form JSON (service configuration data and templates, flavour properties), bounded: at most
 * {@link MAX_JSON_DEPTH} levels and {@link MAX_JSON_BYTES} serialised, bounded strings, no prototype
 * keys. `dynamoNumbers` also keeps numbers within what DynamoDB stores, for values kept as maps.
 */
export const jsonValue = (options: { dynamoNumbers?: boolean } = {}) =>
  z.unknown().superRefine((value, ctx) => {
    const issue = jsonIssue(value, options.dynamoNumbers ?? false)
    if (issue) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
    else if (value !== undefined && JSON.stringify(value).length > MAX_JSON_BYTES) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_JSON_BYTES} bytes of JSON` })
    }
  })

/**
 * Renames keys the way Go's encoding/json matches them: an exact key wins, otherwise a
 * case-insensitive match; `aliases` map accepted alternative spellings onto the wire key. The result
 * has no prototype, so a `__proto__` key stays data (and {@link wireObject} refuses it).
 */
function foldKeys(value: unknown, keys: readonly string[], aliases: Record<string, string> = {}): unknown {
  if (!isPlainObject(value)) return value
  const byLower = new Map<string, string>()
  for (const key of keys) byLower.set(key.toLowerCase(), key)
  for (const [alias, key] of Object.entries(aliases)) byLower.set(alias.toLowerCase(), key)
  const folded: Record<string, unknown> = Object.create(null)
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
  return z.preprocess((value, ctx) => {
    if (isPlainObject(value)) {
      const key = Object.keys(value).find((name) => PROTOTYPE_KEYS.has(name))
      if (key !== undefined) ctx.addIssue({ code: 'custom', message: 'is not an allowed key', path: [key], input: value })
    }
    return foldKeys(value, Object.keys(shape), options.aliases)
  }, object)
}

/**
 * A Kubernetes quantity string on the wire, decoded to an exact {@link Quantity}. Resources are never
 * negative, so neither is a quantity on the wire.
 */
export const quantityString = z
  .string()
  .max(MAX_QUANTITY_LENGTH, `must be a Kubernetes quantity of at most ${MAX_QUANTITY_LENGTH} characters`)
  .transform((text, ctx) => {
    try {
      const quantity = Quantity.parse(text)
      if (!quantity.isNegative()) return quantity
      ctx.addIssue({ code: 'custom', message: `"${text}" must not be negative` })
      return z.NEVER
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a valid Kubernetes quantity` })
      return z.NEVER
    }
  })
  .meta({ format: 'quantity' })

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

/** The field an issue is about; an unknown key is named itself rather than by the object holding it. */
const issuePath = (issue: z.core.$ZodIssue): PropertyKey[] =>
  issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path

/**
 * Parses with a wire schema, turning zod's issues into one {@link ValidationError} that names the
 * field; `at` is where `value` sits in the request, for parts decoded on their own.
 */
export function decodeWith<S extends z.ZodType>(schema: S, value: unknown, what: string, at: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues = result.error.issues.map((issue) => ({ path: formatPath([...at, ...issuePath(issue)]), message: issue.message }))
  const first = issues[0]
  throw new ValidationError(`Invalid ${what}: ${first ? `${first.path}: ${first.message}` : 'malformed'}`, {
    code: 'INVALID_BODY',
    details: { issues },
    cause: result.error,
  })
}

/** RFC 3339 at second precision, as Go marshals a Kubernetes `metav1.Time`. */
export const formatTimestamp = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

const RFC_3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/

/** An RFC 3339 date-time on the wire, as Go marshals `time.Time`; JavaScript's looser date forms are refused. */
export const timestampString = z
  .string()
  .max(64, 'must be an RFC 3339 date-time')
  .transform((text, ctx) => {
    const date = new Date(text)
    if (!RFC_3339.test(text) || Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not an RFC 3339 date-time` })
      return z.NEVER
    }
    return date
  })
  .meta({ format: 'date-time' })
