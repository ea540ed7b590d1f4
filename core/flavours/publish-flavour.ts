import { UnsupportedFlavourTypeError, ValidationError } from '../shared/errors.ts'
import type { Flavour } from './model.ts'
import { isK8Slice, isService, isSupportedFlavourType } from './model.ts'
import { capacityOf } from './partitioning.ts'
import type { FlavourRepository } from './ports.ts'
import { assertValidTemplate } from './service-configuration.ts'

async function assertPublishable(flavour: Flavour): Promise<void> {
  if (!isSupportedFlavourType(flavour.spec.type)) throw new UnsupportedFlavourTypeError(flavour.spec.type)
  if (isK8Slice(flavour)) {
    const c = flavour.spec.characteristics
    for (const [name, value] of Object.entries({ cpu: c.cpu, memory: c.memory, pods: c.pods, storage: c.storage })) {
      if (value?.isNegative()) throw new ValidationError(`${name} must not be negative`)
    }
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
