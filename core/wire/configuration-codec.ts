import * as z from 'zod'
import { UnsupportedFlavourTypeError } from '../shared/errors.ts'
import type { Configuration } from '../flavours/model.ts'
import { HOSTING_POLICIES, isSupportedFlavourType } from '../flavours/model.ts'
import { flavourTypeFromWire, gpuToWire, gpuWire } from './flavour-codec.ts'
import { decodeWith, jsonValue, quantityString, wireObject, wireText } from './wire-object.ts'

export const configurationWire = wireObject({ type: wireText(64), data: z.unknown() }, { strict: true })

const k8sliceConfigurationDataWire = wireObject(
  {
    cpu: quantityString,
    memory: quantityString,
    pods: quantityString,
    gpu: gpuWire.optional(),
    storage: quantityString.optional(),
  },
  { strict: true },
)

/** Stored as a DynamoDB map with its transaction, so its numbers must be ones DynamoDB holds. */
const serviceConfigurationDataWire = wireObject(
  { hostingPolicy: z.enum(HOSTING_POLICIES).optional(), configurationData: jsonValue({ dynamoNumbers: true }).optional() },
  { strict: true },
)

const DATA_PATH = ['configuration', 'data']

/** Decodes a FLUIDOS `Configuration` ({type, data}); VM and Sensor are refused as unsupported. */
export function configurationFromWire(value: z.output<typeof configurationWire>): Configuration {
  const type = flavourTypeFromWire(value.type)
  if (!isSupportedFlavourType(type)) throw new UnsupportedFlavourTypeError(type)
  if (type === 'k8slice') {
    const data = decodeWith(k8sliceConfigurationDataWire, value.data, 'k8slice configuration', DATA_PATH)
    return {
      type,
      cpu: data.cpu,
      memory: data.memory,
      pods: data.pods,
      ...(data.gpu ? { gpu: data.gpu } : {}),
      ...(data.storage ? { storage: data.storage } : {}),
    }
  }
  const data = decodeWith(serviceConfigurationDataWire, value.data ?? {}, 'service configuration', DATA_PATH)
  return {
    type,
    ...(data.hostingPolicy ? { hostingPolicy: data.hostingPolicy } : {}),
    configurationData: data.configurationData ?? {},
  }
}

export function configurationToWire(configuration: Configuration) {
  if (configuration.type === 'service') {
    return {
      type: 'service',
      data: {
        ...(configuration.hostingPolicy ? { hostingPolicy: configuration.hostingPolicy } : {}),
        configurationData: configuration.configurationData,
      },
    }
  }
  return {
    type: 'k8slice',
    data: {
      cpu: configuration.cpu.toString(),
      memory: configuration.memory.toString(),
      pods: configuration.pods.toString(),
      ...(configuration.gpu ? { gpu: gpuToWire(configuration.gpu) } : {}),
      ...(configuration.storage ? { storage: configuration.storage.toString() } : {}),
    },
  }
}
