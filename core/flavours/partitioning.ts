import { UnsupportedFlavourTypeError, ValidationError } from '../shared/errors.ts'
import { maxQuantity, Quantity } from '../quantity/quantity.ts'
import type { ResourceAmounts } from '../quantity/units.ts'
import { NANOS_PER_UNIT } from '../quantity/units.ts'
import type { Configuration, Flavour, Gpu, K8SliceConfiguration, K8SliceFlavour, K8SliceSpec } from './model.ts'
import { isK8Slice, isService } from './model.ts'
import { checkServiceConfiguration } from './service-configuration.ts'

const invalid = (message: string) => new ValidationError(message, { code: 'INVALID_CONFIGURATION' })

const zero = Quantity.zero()

function checkResource(name: string, value: Quantity, available: Quantity, min: Quantity, step: Quantity): void {
  if (value.cmp(zero) <= 0) throw invalid(`${name} must be greater than zero`)
  if (value.cmp(min) < 0) throw invalid(`${name} ${value} is below the flavour minimum ${min}`)
  if (!value.isStepFrom(min, step)) throw invalid(`${name} ${value} is not the minimum ${min} plus a multiple of the step ${step}`)
  if (value.cmp(available) > 0) throw invalid(`${name} ${value} exceeds the flavour's ${available}`)
}

function checkGpu(spec: K8SliceSpec, gpu: Gpu | undefined): void {
  if (!gpu || (gpu.cores.isZero() && gpu.memory.isZero())) return
  const offered = spec.characteristics.gpu
  if (!offered || offered.cores.isZero()) throw invalid('the flavour offers no GPU')
  if (gpu.model && offered.model && gpu.model !== offered.model) throw invalid(`GPU model ${gpu.model} is not offered (${offered.model})`)
  const p = spec.partitionability
  checkResource('gpu cores', gpu.cores, offered.cores, p.gpuMin ?? zero, p.gpuStep ?? zero)
  if (gpu.memory.cmp(offered.memory) > 0) throw invalid(`gpu memory ${gpu.memory} exceeds the flavour's ${offered.memory}`)
}

function checkK8Slice(flavour: K8SliceFlavour, configuration: K8SliceConfiguration): K8SliceConfiguration {
  const { characteristics: c, partitionability: p } = flavour.spec
  checkResource('cpu', configuration.cpu, c.cpu, p.cpuMin, p.cpuStep)
  checkResource('memory', configuration.memory, c.memory, p.memoryMin, p.memoryStep)
  checkResource('pods', configuration.pods, c.pods, p.podsMin, p.podsStep)
  checkGpu(flavour.spec, configuration.gpu)
  if (configuration.storage && configuration.storage.cmp(c.storage ?? zero) > 0) {
    throw invalid(`storage ${configuration.storage} exceeds the flavour's ${c.storage ?? zero}`)
  }
  return configuration
}

/** The whole flavour as a configuration: what a buyer gets when it sends none. */
function wholeFlavour(flavour: K8SliceFlavour): K8SliceConfiguration {
  const c = flavour.spec.characteristics
  return {
    type: 'k8slice',
    cpu: c.cpu,
    memory: c.memory,
    pods: c.pods,
    ...(c.gpu ? { gpu: c.gpu } : {}),
    ...(c.storage ? { storage: c.storage } : {}),
  }
}

/**
 * Resolves what a buyer actually takes from a flavour: the requested configuration checked against
 * the flavour's type, partitionability (min plus a whole number of steps) and size, or the whole
 * flavour when none is given. Throws {@link ValidationError} for any configuration that cannot fit.
 */
export async function resolveConfiguration(flavour: Flavour, requested: Configuration | undefined): Promise<Configuration> {
  if (requested && requested.type !== flavour.spec.type) {
    throw new ValidationError(`Configuration type ${requested.type} does not match flavour type ${flavour.spec.type}`, {
      code: 'CONFIGURATION_TYPE_MISMATCH',
    })
  }
  if (isK8Slice(flavour)) return requested ? checkK8Slice(flavour, requested as K8SliceConfiguration) : wholeFlavour(flavour)
  const service = requested?.type === 'service' ? requested : { type: 'service' as const, configurationData: {} }
  if (!isService(flavour)) throw new UnsupportedFlavourTypeError(flavour.spec.type)
  return checkServiceConfiguration(flavour, service)
}

const noAmounts = (): ResourceAmounts => ({ cpu: 0, memory: 0, pods: 0, storage: 0, gpu: 0, gpuMemory: 0 })

interface Sized {
  cpu: Quantity
  memory: Quantity
  pods: Quantity
  storage?: Quantity
  gpu?: Gpu
}

function toLedger(sized: Sized, rounding: 'floorUnits' | 'ceilUnits'): ResourceAmounts {
  return {
    cpu: sized.cpu[rounding](NANOS_PER_UNIT.cpu),
    memory: sized.memory[rounding](NANOS_PER_UNIT.memory),
    pods: sized.pods[rounding](NANOS_PER_UNIT.pods),
    storage: (sized.storage ?? zero)[rounding](NANOS_PER_UNIT.storage),
    gpu: (sized.gpu?.cores ?? zero)[rounding](NANOS_PER_UNIT.gpu),
    gpuMemory: (sized.gpu?.memory ?? zero)[rounding](NANOS_PER_UNIT.gpuMemory),
  }
}

/** Ledger demand of a configuration, rounded up (services hold no capacity). */
export const demandOf = (configuration: Configuration): ResourceAmounts =>
  configuration.type === 'k8slice' ? toLedger(configuration, 'ceilUnits') : noAmounts()

/** Ledger capacity of a flavour, rounded down (services have none to hold). */
export const capacityOf = (flavour: Flavour): ResourceAmounts =>
  isK8Slice(flavour) ? toLedger(flavour.spec.characteristics, 'floorUnits') : noAmounts()

/** True when at least one minimum-sized slice can still be cut from the flavour. */
function isSellable(flavour: K8SliceFlavour): boolean {
  const { characteristics: c, partitionability: p } = flavour.spec
  const atLeast = (value: Quantity, min: Quantity) => value.cmp(zero) > 0 && value.cmp(maxQuantity(min, zero)) >= 0
  return atLeast(c.cpu, p.cpuMin) && atLeast(c.memory, p.memoryMin) && atLeast(c.pods, p.podsMin)
}

function subtractGpu(offered: Gpu | undefined, taken: Gpu | undefined): Gpu | undefined {
  if (!offered || !taken) return offered
  return { model: offered.model, cores: offered.cores.sub(taken.cores), memory: offered.memory.sub(taken.memory) }
}

/**
 * What stays on sale after `configuration` is sold out of `flavour` (seed steps 23–24): a new flavour
 * with id `newId` and the exact remainder, or `undefined` when not even a minimum slice is left.
 */
export function remainderOf(flavour: K8SliceFlavour, configuration: K8SliceConfiguration, newId: string, now: Date): K8SliceFlavour | undefined {
  const c = flavour.spec.characteristics
  const gpu = subtractGpu(c.gpu, configuration.gpu)
  const storage = c.storage && configuration.storage ? c.storage.sub(configuration.storage) : c.storage
  const remainder: K8SliceFlavour = {
    ...flavour,
    id: newId,
    createdAt: now,
    spec: {
      ...flavour.spec,
      characteristics: {
        architecture: c.architecture,
        cpu: c.cpu.sub(configuration.cpu),
        memory: c.memory.sub(configuration.memory),
        pods: c.pods.sub(configuration.pods),
        ...(gpu ? { gpu } : {}),
        ...(storage ? { storage } : {}),
      },
    },
  }
  return isSellable(remainder) ? remainder : undefined
}
