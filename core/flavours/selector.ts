import { ValidationError } from '../shared/errors.ts'
import { Quantity } from '../quantity/quantity.ts'
import type { Flavour, K8SliceFlavour, ServiceFlavour, SupportedFlavourType } from './model.ts'
import { isK8Slice, isService } from './model.ts'

export type QuantityFilter = { kind: 'match'; value: Quantity } | { kind: 'range'; min?: Quantity; max?: Quantity }
export type StringFilter = { kind: 'match'; value: string }

export const K8SLICE_QUANTITY_FILTERS = ['cpu', 'memory', 'pods', 'storage', 'gpu', 'gpuMemory'] as const
export type K8SliceQuantityFilterName = (typeof K8SLICE_QUANTITY_FILTERS)[number]
export const K8SLICE_STRING_FILTERS = ['architecture', 'gpuModel'] as const
export type K8SliceStringFilterName = (typeof K8SLICE_STRING_FILTERS)[number]

export interface K8SliceSelector {
  type: 'k8slice'
  quantities: Partial<Record<K8SliceQuantityFilterName, QuantityFilter>>
  strings: Partial<Record<K8SliceStringFilterName, StringFilter>>
}

export const SERVICE_FILTERS = ['category', 'tags'] as const
export type ServiceFilterName = (typeof SERVICE_FILTERS)[number]

export interface ServiceSelector {
  type: 'service'
  strings: Partial<Record<ServiceFilterName, StringFilter>>
}

/** What a buyer looks for: a flavour type plus optional filters (FLUIDOS `Selector`). */
export type Selector = K8SliceSelector | ServiceSelector

export const emptySelector = (type: SupportedFlavourType): Selector =>
  type === 'k8slice' ? { type, quantities: {}, strings: {} } : { type, strings: {} }

const zero = Quantity.zero()

function inRange(value: Quantity, filter: QuantityFilter): boolean {
  if (filter.kind === 'match') return value.cmp(filter.value) === 0
  return (!filter.min || value.cmp(filter.min) >= 0) && (!filter.max || value.cmp(filter.max) <= 0)
}

function k8sliceValue(flavour: K8SliceFlavour, name: K8SliceQuantityFilterName): Quantity {
  const c = flavour.spec.characteristics
  switch (name) {
    case 'gpu':
      return c.gpu?.cores ?? zero
    case 'gpuMemory':
      return c.gpu?.memory ?? zero
    case 'storage':
      return c.storage ?? zero
    default:
      return c[name]
  }
}

function k8sliceString(flavour: K8SliceFlavour, name: K8SliceStringFilterName): string {
  return name === 'gpuModel' ? (flavour.spec.characteristics.gpu?.model ?? '') : flavour.spec.characteristics.architecture
}

function matchesK8Slice(flavour: K8SliceFlavour, selector: K8SliceSelector): boolean {
  for (const [name, filter] of Object.entries(selector.quantities) as [K8SliceQuantityFilterName, QuantityFilter][]) {
    if (!inRange(k8sliceValue(flavour, name), filter)) return false
  }
  for (const [name, filter] of Object.entries(selector.strings) as [K8SliceStringFilterName, StringFilter][]) {
    if (k8sliceString(flavour, name) !== filter.value) return false
  }
  return true
}

function matchesService(flavour: ServiceFlavour, selector: ServiceSelector): boolean {
  const { category, tags } = selector.strings
  if (category && flavour.spec.category !== category.value) return false
  if (tags && !flavour.spec.tags.includes(tags.value)) return false
  return true
}

/**
 * Whether a flavour satisfies a selector. Match is equality, range is inclusive with optional bounds;
 * a flavour without storage or GPU counts as zero of it; a tag filter matches any one tag.
 */
export function matchesSelector(flavour: Flavour, selector: Selector): boolean {
  if (selector.type === 'k8slice') return isK8Slice(flavour) && matchesK8Slice(flavour, selector)
  return isService(flavour) && matchesService(flavour, selector)
}

export function assertRangeOrdered(name: string, filter: QuantityFilter): void {
  if (filter.kind === 'range' && filter.min && filter.max && filter.min.cmp(filter.max) > 0) {
    throw new ValidationError(`filter ${name}: min ${filter.min} is greater than max ${filter.max}`, {
      code: 'INVALID_SELECTOR',
      details: { parameter: name },
    })
  }
}
