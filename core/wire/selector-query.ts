import { ValidationError } from '../shared/errors.ts'
import { Quantity } from '../quantity/quantity.ts'
import type { SupportedFlavourType } from '../flavours/model.ts'
import type {
  K8SliceQuantityFilterName,
  K8SliceSelector,
  K8SliceStringFilterName,
  QuantityFilter,
  Selector,
  ServiceFilterName,
  ServiceSelector,
} from '../flavours/selector.ts'
import { assertRangeOrdered, K8SLICE_QUANTITY_FILTERS, K8SLICE_STRING_FILTERS, SERVICE_FILTERS } from '../flavours/selector.ts'

const KEY = /^filter\[([A-Za-z]+)\]\[([a-z]+)\](?:\[([a-z]+)\])?$/
/** Longest filter value: quantities are far shorter, and matched names are labels. */
const MAX_VALUE_LENGTH = 256

const invalid = (parameter: string, message: string) =>
  new ValidationError(`query parameter ${parameter}: ${message}`, { code: 'INVALID_SELECTOR', details: { parameter } })

interface ParsedKey {
  parameter: string
  name: string
  operator: string
  bound: string | undefined
}

function parseKey(parameter: string): ParsedKey {
  const match = KEY.exec(parameter)
  if (!match) throw invalid(parameter, 'expected filter[<name>][match] or filter[<name>][range][min|max]')
  const [, name = '', operator = '', bound] = match
  return { parameter, name, operator, bound }
}

function collect(params: Iterable<[string, string]>): Map<string, string> {
  const values = new Map<string, string>()
  for (const [key, value] of params) {
    if (key.length > MAX_VALUE_LENGTH) throw invalid(`${key.slice(0, 64)}…`, 'is not a selector parameter')
    if (value.length > MAX_VALUE_LENGTH) throw invalid(key, `value must be at most ${MAX_VALUE_LENGTH} characters`)
    if (values.has(key)) throw invalid(key, 'given more than once')
    values.set(key, value)
  }
  return values
}

function quantityValue(key: ParsedKey, value: string): Quantity {
  let quantity: Quantity
  try {
    quantity = Quantity.parse(value, key.parameter)
  } catch (cause) {
    throw new ValidationError(`query parameter ${key.parameter}: "${value}" is not a valid Kubernetes quantity`, {
      code: 'INVALID_SELECTOR',
      details: { parameter: key.parameter },
      cause,
    })
  }
  if (quantity.isNegative()) throw invalid(key.parameter, `"${value}" must not be negative`)
  return quantity
}

function addQuantity(filters: Partial<Record<string, QuantityFilter>>, key: ParsedKey, value: string): void {
  const existing = filters[key.name]
  if (key.operator === 'match') {
    if (key.bound !== undefined) throw invalid(key.parameter, 'a match filter takes no [min], [max] or [regex]')
    if (existing) throw invalid(key.parameter, `more than one filter on ${key.name}`)
    filters[key.name] = { kind: 'match', value: quantityValue(key, value) }
    return
  }
  if (key.operator !== 'range') throw invalid(key.parameter, `unknown operator "${key.operator}"; use match or range`)
  if (key.bound !== 'min' && key.bound !== 'max') throw invalid(key.parameter, 'a range filter needs [min] or [max]')
  if (existing?.kind === 'match') throw invalid(key.parameter, `more than one filter on ${key.name}`)
  filters[key.name] = { kind: 'range', ...existing, [key.bound]: quantityValue(key, value) }
}

function addString(filters: Partial<Record<string, { kind: 'match'; value: string }>>, key: ParsedKey, value: string): void {
  if (key.operator === 'range') throw invalid(key.parameter, 'string range (regex) filters are not supported; use match')
  if (key.operator !== 'match') throw invalid(key.parameter, `unknown operator "${key.operator}"; use match`)
  if (key.bound !== undefined) throw invalid(key.parameter, 'a match filter takes no [min], [max] or [regex]')
  if (value === '') throw invalid(key.parameter, 'value must not be empty')
  filters[key.name] = { kind: 'match', value }
}

const includes = <T extends string>(list: readonly T[], name: string): name is T => (list as readonly string[]).includes(name)

function parseK8Slice(values: Map<string, string>): K8SliceSelector {
  const selector: K8SliceSelector = { type: 'k8slice', quantities: {}, strings: {} }
  for (const [parameter, value] of values) {
    const key = parseKey(parameter)
    if (includes<K8SliceQuantityFilterName>(K8SLICE_QUANTITY_FILTERS, key.name)) addQuantity(selector.quantities, key, value)
    else if (includes<K8SliceStringFilterName>(K8SLICE_STRING_FILTERS, key.name)) addString(selector.strings, key, value)
    else throw invalid(parameter, `unknown k8slice filter "${key.name}"`)
  }
  for (const [name, filter] of Object.entries(selector.quantities)) assertRangeOrdered(`filter[${name}]`, filter)
  return selector
}

function parseService(values: Map<string, string>): ServiceSelector {
  const selector: ServiceSelector = { type: 'service', strings: {} }
  for (const [parameter, value] of values) {
    const key = parseKey(parameter)
    if (!includes<ServiceFilterName>(SERVICE_FILTERS, key.name)) throw invalid(parameter, `unknown service filter "${key.name}"`)
    addString(selector.strings, key, value)
  }
  return selector
}

/**
 * Parses the Go node's selector query grammar (reference §3.5) for `/api/v2/flavors/{type}`, plus GPU
 * filters. Every malformed key or value is a {@link ValidationError} naming the parameter; min > max too.
 */
export function parseSelectorQuery(type: SupportedFlavourType, params: Iterable<[string, string]>): Selector {
  const values = collect(params)
  return type === 'k8slice' ? parseK8Slice(values) : parseService(values)
}

function encodeQuantityFilter(name: string, filter: QuantityFilter): string[] {
  if (filter.kind === 'match') return [`filter[${name}][match]=${filter.value}`]
  const parts: string[] = []
  if (filter.min) parts.push(`filter[${name}][range][min]=${filter.min}`)
  if (filter.max) parts.push(`filter[${name}][range][max]=${filter.max}`)
  return parts
}

/**
 * Encodes a selector as the Go client does (raw brackets, canonical quantities), except that storage
 * keeps its `filter` prefix (the Go client drops it, bug 4). GPU filters are sent only to rear-cloud peers.
 */
export function encodeSelectorQuery(selector: Selector, options: { includeExtensions?: boolean } = {}): string {
  const parts: string[] = []
  const extensions = options.includeExtensions ?? true
  for (const [name, filter] of Object.entries(selector.strings)) {
    if (!extensions && name === 'gpuModel') continue
    parts.push(`filter[${name}][match]=${encodeURIComponent(filter.value)}`)
  }
  if (selector.type === 'k8slice') {
    for (const [name, filter] of Object.entries(selector.quantities)) {
      if (!extensions && (name === 'gpu' || name === 'gpuMemory')) continue
      parts.push(...encodeQuantityFilter(name, filter))
    }
  }
  return parts.join('&')
}

/**
 * Every query parameter the selector parser accepts, by flavour type; the OpenAPI document lists
 * exactly these, so the grammar is written down once.
 */
export const SELECTOR_PARAMETERS: Readonly<Record<SupportedFlavourType, readonly string[]>> = {
  k8slice: [
    ...K8SLICE_STRING_FILTERS.map((name) => `filter[${name}][match]`),
    ...K8SLICE_QUANTITY_FILTERS.flatMap((name) => [`filter[${name}][match]`, `filter[${name}][range][min]`, `filter[${name}][range][max]`]),
  ],
  service: SERVICE_FILTERS.map((name) => `filter[${name}][match]`),
}

export const selectorPath = (type: SupportedFlavourType): string => `/api/v2/flavors/${type}`
