import type { Flavour } from '../../../core/flavours/model.ts'
import type { QuantityFilter, Selector } from '../../../core/flavours/selector.ts'
import { K8SLICE_QUANTITY_FILTERS } from '../../../core/flavours/selector.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { aK8SliceFlavour, aServiceFlavour } from '../../support/factories.ts'

/**
 * Quantities chosen to collide (so matches and range edges happen) and to include values a float64
 * column cannot hold exactly: fractions of a base unit (`1n` cpu is fine, `1500m` bytes is not), beyond 2^53, negatives.
 */
const QUANTITIES: Record<(typeof K8SLICE_QUANTITY_FILTERS)[number], string[]> = {
  cpu: ['0', '1', '2', '500m', '1500m', '1n', '3n', '2000m', '8', '-1', '9e18'],
  memory: ['0', '1', '1000m', '1500m', '512Mi', '1Gi', '1073741824', '2Gi', '1G', '8e15', '9.1e15', '-1Ki'],
  pods: ['0', '1', '110', '500m', '1100e-1', '1e6'],
  storage: ['0', '1Gi', '100Gi', '1.5', '1Ti'],
  gpu: ['0', '1', '2', '500m', '1n', '1u', '2000m'],
  gpuMemory: ['0', '80Gi', '40Gi', '0.5', '1'],
}
const ARCHITECTURES = ['amd64', 'arm64', '']
const GPU_MODELS = ['a100', 'h100', '']
const PRICES = ['0.04', '1.20', '10', '', 'abc', '1e3', '0.040', '-1', '1.2', '0x10']
const CATEGORIES = ['database', 'queue', '']
const TAGS = ['mysql', 'redis', 'x', '']

export function randomFlavourFactory(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const maybe = (p: number) => random() < p

  function flavour(id: string): Flavour {
    if (maybe(0.15)) {
      const tags = TAGS.filter(() => maybe(0.4))
      return { ...aServiceFlavour({ id, category: pick(CATEGORIES), tags }), price: { amount: pick(PRICES), currency: 'EUR', period: 'monthly' } }
    }
    return aK8SliceFlavour({
      id,
      cpu: pick(QUANTITIES.cpu),
      memory: pick(QUANTITIES.memory),
      pods: pick(QUANTITIES.pods),
      architecture: pick(ARCHITECTURES),
      ...(maybe(0.5) ? { storage: pick(QUANTITIES.storage) } : {}),
      ...(maybe(0.4) ? { gpu: { model: pick(GPU_MODELS), cores: pick(QUANTITIES.gpu), memory: pick(QUANTITIES.gpuMemory) } } : {}),
      price: { amount: pick(PRICES), currency: 'EUR', period: 'hourly' },
    })
  }

  function quantityFilter(values: string[]): QuantityFilter {
    const value = () => Quantity.parse(maybe(0.8) ? pick(values) : pick(['999m', '1', '2', '1Gi', '-5', '3e20', '1500m']))
    if (maybe(0.3)) return { kind: 'match', value: value() }
    return { kind: 'range', ...(maybe(0.7) ? { min: value() } : {}), ...(maybe(0.5) ? { max: value() } : {}) }
  }

  function selector(): Selector | { type: 'k8slice' | 'service' } | undefined {
    const roll = random()
    if (roll < 0.05) return undefined
    if (roll < 0.1) return { type: pick(['k8slice', 'service'] as const) }
    if (roll < 0.25) {
      const strings: Extract<Selector, { type: 'service' }>['strings'] = {}
      if (maybe(0.6)) strings.category = { kind: 'match', value: maybe(0.9) ? pick(CATEGORIES) : 'unknown' }
      if (maybe(0.6)) strings.tags = { kind: 'match', value: maybe(0.9) ? pick(TAGS) : 'unknown' }
      return { type: 'service', strings }
    }
    const quantities: Extract<Selector, { type: 'k8slice' }>['quantities'] = {}
    for (const name of K8SLICE_QUANTITY_FILTERS) if (maybe(0.3)) quantities[name] = quantityFilter(QUANTITIES[name])
    const strings: Extract<Selector, { type: 'k8slice' }>['strings'] = {}
    if (maybe(0.3)) strings.architecture = { kind: 'match', value: maybe(0.9) ? pick(ARCHITECTURES) : 'riscv' }
    if (maybe(0.2)) strings.gpuModel = { kind: 'match', value: pick(GPU_MODELS) }
    return { type: 'k8slice', quantities, strings }
  }

  return { flavour, selector, pick, maybe }
}
