import { seededRandom } from './seeded-random.ts'
/**
 * Malformed requests generated from a participant's own OpenAPI document: every documented route,
 * its path and query parameters and its request body schema, each broken in the ways issue 11 lists.
 * Every request is malformed (it breaks the documented schema or the wire bounds), so none may change
 * state. Deterministic for a seed.
 */

export interface FuzzRequest {
  /** What was broken where, for failure messages. */
  label: string
  method: string
  path: string
  headers: Record<string, string>
  body?: string
}

/** A JSON Schema node as zod-to-openapi writes it (the parts the generator reads). */
interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  additionalProperties?: boolean | Schema
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  enum?: unknown[]
  const?: unknown
  format?: string
  pattern?: string
  minLength?: number
  maxLength?: number
  maxItems?: number
  minimum?: number
  maximum?: number
}

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  description?: string
  schema?: Schema
}

interface Operation {
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
}

export interface CorpusOptions {
  /** Seeds the choice of values; the same seed gives the same corpus. */
  seed: number
  /** A valid value of a path parameter (an existing id where one exists), by path template and name. */
  pathValue: (path: string, name: string) => string
  /** Valid bodies for an operation, which the generator breaks field by field; the first also goes with broken paths. */
  bodies: (method: string, path: string) => readonly unknown[]
  /** Bodies over this are refused before validation; one oversized body per route checks it. */
  maxBodyBytes: number
}

const HUGE_TEXT_LENGTH = 70_000
const DEEP = 40
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype']
const BAD_QUANTITIES = ['1e400', '-1', 'NaN', '0x10', '', 'Infinity', '1.2.3', ' 2', '2 Gi', '-0.5Gi', '1Zi', '9'.repeat(70)]
const BAD_TIMES = ['yesterday', '-1', '2024-13-45T99:99:99Z', '1', '']
const BAD_ID_TEXT = ['a#b', '../../etc/passwd', 'a/b', 'a b', 'a\u0000b', 'flavour-é', '.', '-leading-dash', '\ud800']
const BAD_PATH_IDS = [
  'x'.repeat(300),
  'x'.repeat(2049),
  'y'.repeat(3000),
  '%F0%9F%98%80'.repeat(700),
  'a%2Fb',
  '..%2F..%2Fetc',
  '%2E%2E',
  '..',
  'a%00b',
  'a%0Ab',
  '%FF%FE',
  '%',
  'a%23b',
  'a%20b',
  '%C3%A9t%C3%A9',
  '-',
  '~',
]
const MALFORMED_JSON = ['{', '{"a":', '[1,]', "{'a':1}", 'NaN', '{"a":1}}', '\u0000', '{"a":1,}', 'undefined', '{"a" 1}', '[', '"unterminated', '\ufeff{"a":']
const NOT_OBJECTS = ['null', '[]', '"text"', '42', 'true', '1e400', '[{}]']

/** Marks a value that must be written into the JSON text as is (a number JSON.stringify cannot write). */
const raw = (text: string) => `\u0001RAW:${text}\u0001`
const unwrapRaw = (json: string) => json.replace(/"\\u0001RAW:(.*?)\\u0001"/g, '$1')

const nested = (depth: number): unknown => (depth === 0 ? 'deep' : { a: nested(depth - 1) })
const nestedArray = (depth: number): unknown => (depth === 0 ? [] : [nestedArray(depth - 1)])
const nestedArrayText = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`

const typesOf = (schema: Schema): string[] => (schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type])

function wrongTypes(schema: Schema): unknown[] {
  const types = typesOf(schema)
  const all: [string, unknown][] = [
    ['string', 'text'],
    ['number', 42],
    ['boolean', true],
    ['array', []],
    ['object', {}],
    ['null', null],
  ]
  return all.filter(([type]) => !types.includes(type) && !(type === 'number' && types.includes('integer'))).map(([, value]) => value)
}

/** The object branch of a union that a seed value belongs to (by its `type` discriminator), or the first. */
function branchFor(schema: Schema, value: unknown): Schema {
  const branches = schema.oneOf ?? schema.anyOf
  if (!branches) return schema
  const discriminator = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).type : undefined
  const byType = branches.find((b) => {
    const type = b.properties?.type
    return type && (type.const === discriminator || type.enum?.includes(discriminator))
  })
  return byType ?? branches.find((b) => typesOf(b).includes('object')) ?? branches[0] ?? {}
}

type Path = (string | number)[]

interface Mutation {
  label: string
  path: Path
  /** Replace (or add) the value at `path`; `undefined` with `addKey` adds a key to the object at `path`. */
  value?: unknown
  addKey?: string
}

/** Mutations of the value at `path` whose schema is `schema` (or unknown: `undefined`) and seed `value`. */
function mutationsAt(path: Path, schema: Schema | undefined, value: unknown): Mutation[] {
  const at = path.join('.') || 'body'
  const out: Mutation[] = []
  const replace = (label: string, replacement: unknown) => out.push({ label: `${at}: ${label}`, path, value: replacement })
  if (!schema || (typesOf(schema).length === 0 && !schema.anyOf && !schema.oneOf && !schema.enum)) {
    replace(`arrays nested ${DEEP} levels`, nestedArray(DEEP))
    replace(`a ${HUGE_TEXT_LENGTH}-character string`, 'x'.repeat(HUGE_TEXT_LENGTH))
    replace('1e400', raw('1e400'))
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const key of PROTOTYPE_KEYS) out.push({ label: `${at}: a ${key} key`, path, addKey: key, value: { polluted: true } })
    }
    return out
  }
  const union = schema.anyOf ?? schema.oneOf
  const types = union ? union.flatMap(typesOf) : typesOf(schema)
  for (const wrong of wrongTypes({ type: types })) replace(`${JSON.stringify(wrong)} for a ${types.join('|') || 'value'}`, wrong)
  replace(`arrays nested ${DEEP} levels`, nestedArray(DEEP))
  if (types.includes('string')) {
    const maxLength = Math.max(0, ...(union ?? [schema]).map((s) => s.maxLength ?? 0))
    replace(`a ${HUGE_TEXT_LENGTH}-character string`, 'x'.repeat(HUGE_TEXT_LENGTH))
    if (maxLength > 0 && maxLength < HUGE_TEXT_LENGTH) replace(`${maxLength + 1} characters`, 'x'.repeat(maxLength + 1))
    if (schema.format === 'quantity') for (const bad of BAD_QUANTITIES) replace(`quantity ${JSON.stringify(bad)}`, bad)
    if (schema.format === 'date-time') for (const bad of BAD_TIMES) replace(`time ${JSON.stringify(bad)}`, bad)
    if (schema.pattern) for (const bad of BAD_ID_TEXT) replace(`id ${JSON.stringify(bad)}`, bad)
    if (schema.minLength && !union) replace('empty', '')
    if (schema.enum) replace('a value not in the enum', 'NotOneOfThem')
    if (!schema.pattern && !schema.format && !schema.enum) replace('a lone surrogate', 'a\ud800b')
  }
  if (types.includes('number') || types.includes('integer')) {
    replace('1e400', raw('1e400'))
    replace('-1e400', raw('-1e400'))
    if (types.includes('integer') && !types.includes('number')) replace('1.5', 1.5)
    if (schema.minimum !== undefined) replace(`below ${schema.minimum}`, schema.minimum - 1)
    if (schema.maximum !== undefined) replace(`above ${schema.maximum}`, schema.maximum + 1)
  }
  if (types.includes('array') && schema.maxItems !== undefined) replace(`${schema.maxItems + 1} items`, Array.from({ length: schema.maxItems + 1 }, () => 0))
  if (types.includes('object') && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const key of PROTOTYPE_KEYS) out.push({ label: `${at}: a ${key} key`, path, addKey: key, value: { polluted: true } })
    const branch = branchFor(schema, value)
    if (branch.additionalProperties === false) out.push({ label: `${at}: an unknown key`, path, addKey: 'notAField', value: 1 })
  }
  return out
}

/** Every mutation of a body: each field of the schema (and of the seed, where the schema is free-form). */
function bodyMutations(schema: Schema | undefined, value: unknown, path: Path = []): Mutation[] {
  const out = path.length ? mutationsAt(path, schema, value) : []
  const effective = schema ? branchFor(schema, value) : undefined
  if (typeof value !== 'object' || value === null) return out
  if (Array.isArray(value)) {
    if (value.length > 0) out.push(...bodyMutations(effective?.items, value[0], [...path, 0]))
    return out
  }
  const record = value as Record<string, unknown>
  if (path.length === 0) out.push(...mutationsAt(path, schema, value).filter((m) => m.addKey))
  const properties = effective?.properties ?? {}
  const keys = new Set([...Object.keys(properties), ...Object.keys(record)])
  for (const key of keys) {
    const child = properties[key] ?? (effective?.properties ? (typeof effective.additionalProperties === 'object' ? effective.additionalProperties : undefined) : undefined)
    if (record[key] === undefined) out.push(...mutationsAt([...path, key], child, undefined))
    else out.push(...bodyMutations(child, record[key], [...path, key]))
  }
  return out
}

function apply(seed: unknown, mutation: Mutation): unknown {
  const copy = JSON.parse(JSON.stringify(seed)) as unknown
  const define = (target: Record<string, unknown> | unknown[], key: string | number, value: unknown) =>
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  if (mutation.path.length === 0 && !mutation.addKey) return mutation.value
  let target = copy as Record<string, unknown>
  const steps = mutation.addKey ? mutation.path : mutation.path.slice(0, -1)
  for (const step of steps) {
    let next = target[step as string]
    if (typeof next !== 'object' || next === null) {
      next = {}
      define(target, step, next)
    }
    target = next as Record<string, unknown>
  }
  if (mutation.addKey) define(target, mutation.addKey, mutation.value)
  else define(target, mutation.path.at(-1)!, mutation.value)
  return copy
}

const JSON_HEADERS = { 'Content-Type': 'application/json' }

/** Paths with their parameters filled in from `pathValue`, or one replaced by `replacement`. */
function fillPath(template: string, values: (name: string) => string): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => values(name))
}

function queryMutations(path: string, parameters: Parameter[]): FuzzRequest[] {
  const query = parameters.filter((p) => p.in === 'query')
  if (query.length === 0) return []
  const out: FuzzRequest[] = []
  const get = (label: string, search: string) => out.push({ label: `query ${label}`, method: 'GET', path: `${path}?${search}`, headers: {} })
  for (const parameter of query) {
    const quantity = /quantity/i.test(parameter.description ?? '')
    for (const bad of quantity ? BAD_QUANTITIES : ['', 'x'.repeat(300), '%00', '%FF']) get(`${parameter.name}=${JSON.stringify(bad).slice(0, 20)}`, `${parameter.name}=${encodeURIComponent(bad).replace(/%25(00|FF)/, '%$1')}`)
  }
  const first = query[0]!.name
  get('an unknown filter', 'filter[bogus][match]=1')
  get('a range without a bound', 'filter[cpu][range]=1')
  get('an unknown operator', 'filter[cpu][regex]=1')
  get('a repeated parameter', `${first}=1&${first}=2`)
  get('match and range on one filter', 'filter[cpu][match]=1&filter[cpu][range][min]=1')
  get('min above max', 'filter[cpu][range][min]=8&filter[cpu][range][max]=2')
  get('unbalanced brackets', 'filter[cpu]][match]=1')
  get('a bad escape', 'filter[cpu][match]=%ZZ')
  get('an encoded negative', 'filter%5Bcpu%5D%5Bmatch%5D=-1')
  get('a 4000-character name', `${'f'.repeat(4000)}=1`)
  get('no filter prefix', 'cpu=1')
  return out
}

/**
 * The corpus for one participant: for every documented operation, its path parameters broken (long
 * ids, `%2F`, `..`, control characters), its query parameters broken (bad quantities and selectors),
 * its body broken field by field (wrong types, bad quantities and times, long ids and strings, deep
 * nesting, prototype and unknown keys) and as a whole (bad JSON, non-objects, deep nesting, duplicate
 * keys, a wrong content type, an oversized body), and methods it does not allow.
 */
export function fuzzCorpus(document: OpenApiDocument, options: CorpusOptions): FuzzRequest[] {
  const random = seededRandom(options.seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const requests: FuzzRequest[] = []
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const verb = method.toUpperCase()
      const parameters = operation.parameters ?? []
      const validPath = fillPath(template, (name) => options.pathValue(template, name))
      const seeds = operation.requestBody ? options.bodies(verb, template) : []
      const validBody = seeds.length ? JSON.stringify(seeds[0]) : undefined
      const send = (label: string, path: string, body?: string, headers: Record<string, string> = body === undefined ? {} : JSON_HEADERS) =>
        requests.push({ label: `${verb} ${template} ${label}`, method: verb, path, headers, ...(body === undefined ? {} : { body }) })

      for (const parameter of parameters.filter((p) => p.in === 'path')) {
        for (const bad of BAD_PATH_IDS) {
          const path = fillPath(template, (name) => (name === parameter.name ? bad : options.pathValue(template, name)))
          send(`path ${parameter.name}=${bad.slice(0, 24)}`, path, validBody)
        }
      }
      for (const request of queryMutations(validPath, parameters)) send(request.label, request.path)

      const schema = operation.requestBody?.content?.['application/json']?.schema
      for (const [index, seed] of seeds.entries()) {
        for (const mutation of bodyMutations(schema, seed)) send(`body ${index} ${mutation.label}`, validPath, unwrapRaw(JSON.stringify(apply(seed, mutation))))
        const keys = Object.keys(seed as object)
        if (keys.length) {
          const key = pick(keys)
          const text = JSON.stringify(seed)
          send(`body ${index} duplicate key ${key}, the last one bad`, validPath, `${text.slice(0, -1)},${JSON.stringify(key)}:${pick(['12345', 'null', '[[[[]]]]', '{"__proto__":{}}', '1e400'])}}`)
        }
      }
      if (validBody !== undefined) {
        for (const text of MALFORMED_JSON) send(`malformed JSON ${JSON.stringify(text)}`, validPath, text)
        for (const text of NOT_OBJECTS) send(`JSON ${text}`, validPath, text)
        send('nested arrays 100000 deep', validPath, nestedArrayText(100_000))
        send(`nested objects ${DEEP * 50} deep`, validPath, JSON.stringify(nested(DEEP * 50)))
        send('form-encoded', validPath, 'flavorID=x&buyerID=y', { 'Content-Type': 'application/x-www-form-urlencoded' })
        send('as multipart', validPath, '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--', { 'Content-Type': 'multipart/form-data; boundary=b' })
        send('as text', validPath, 'not json', { 'Content-Type': 'text/plain' })
        send('as XML', validPath, '<flavor id="x"/>', { 'Content-Type': 'application/xml' })
        send('over the body limit', validPath, JSON.stringify({ padding: 'x'.repeat(options.maxBodyBytes + 1) }))
      }
      const allowed = Object.keys(operations).map((m) => m.toUpperCase())
      for (const other of ['PATCH', 'PUT', 'DELETE', 'POST'].filter((m) => !allowed.includes(m)).slice(0, 2)) {
        requests.push({ label: `${other} ${template} (not allowed)`, method: other, path: validPath, headers: JSON_HEADERS, body: '{"__proto__":{"x":1}}' })
      }
    }
  }
  return requests
}
