import { UnsupportedFlavourTypeError, ValidationError } from '../shared/errors.ts'
import type { Flavour, K8SliceFlavour } from './model.ts'
import { isK8Slice, isService, isSupportedFlavourType } from './model.ts'
import { capacityOf } from './partitioning.ts'
import type { FlavourRepository } from './ports.ts'
import { assertValidTemplate } from './service-configuration.ts'

const invalidFlavour = (field: string, message: string) => new ValidationError(`${field} ${message}`, { code: 'INVALID_FLAVOUR', details: { field } })

/**
 * A slice is the minimum plus whole steps, so a step must be positive (a zero or negative step would
 * make every amount, or none, a valid slice); minimums and sizes are never negative.
 */
function assertPartitionable(flavour: K8SliceFlavour): void {
  const c = flavour.spec.characteristics
  const p = flavour.spec.partitionability
  const sizes = { cpu: c.cpu, memory: c.memory, pods: c.pods, storage: c.storage, 'gpu.cores': c.gpu?.cores, 'gpu.memory': c.gpu?.memory }
  for (const [name, value] of Object.entries(sizes)) {
    if (value?.isNegative()) throw invalidFlavour(`characteristics.${name}`, 'must not be negative')
  }
  for (const [name, value] of Object.entries({ cpuMin: p.cpuMin, memoryMin: p.memoryMin, podsMin: p.podsMin, gpuMin: p.gpuMin })) {
    if (value?.isNegative()) throw invalidFlavour(`partitionability.${name}`, 'must not be negative')
  }
  for (const [name, value] of Object.entries({ cpuStep: p.cpuStep, memoryStep: p.memoryStep, podsStep: p.podsStep, gpuStep: p.gpuStep })) {
    if (value && (value.isNegative() || value.isZero())) throw invalidFlavour(`partitionability.${name}`, 'must be greater than zero')
  }
}

/** Checks a flavour can be advertised: a supported type, sound partitioning, a valid service template. */
export async function assertPublishable(flavour: Flavour): Promise<void> {
  if (!isSupportedFlavourType(flavour.spec.type)) throw new UnsupportedFlavourTypeError(flavour.spec.type)
  if (isK8Slice(flavour)) {
    assertPartitionable(flavour)
    capacityOf(flavour)
  } else if (isService(flavour)) {
    await assertValidTemplate(flavour.spec.configurationTemplate)
  }
}

/**
 * Advertises a flavour (Local Resource Manager, admin API, local seed). Its pool starts with the
 * flavour's whole capacity free. Publishing the same id again changes nothing.
 */
export async function publishFlavour(flavours: FlavourRepository, flavour: Flavour): Promise<void> {
  await assertPublishable(flavour)
  await flavours.publish(flavour, { id: flavour.id, currentFlavourId: flavour.id, free: capacityOf(flavour), version: 0 })
}
