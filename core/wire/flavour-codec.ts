import * as z from 'zod'
import { UnsupportedFlavourTypeError, ValidationError } from '../shared/errors.ts'
import type {
  Flavour,
  FlavourType,
  Gpu,
  K8SliceSpec,
  Location,
  Partitionability,
  Price,
  ServiceSpec,
} from '../flavours/model.ts'
import { FLAVOUR_TYPES, HOSTING_POLICIES, isSupportedFlavourType } from '../flavours/model.ts'
import { identityFromWire, identityToWire, nodeIdentityWire } from './identity-codec.ts'
import {
  decodeWith,
  formatTimestamp,
  jsonValue,
  omitEmpty,
  quantityOrZero,
  quantityString,
  timestampString,
  wireId,
  wireIdOrEmpty,
  wireList,
  wireObject,
  wireText,
} from './wire-object.ts'

export const gpuWire = wireObject({ model: wireText(256).default(''), cores: quantityOrZero, memory: quantityOrZero })

const priceWire = wireObject({
  amount: wireText(256).default(''),
  currency: wireText(256).default(''),
  period: wireText(256).default(''),
})

const locationWire = wireObject({
  latitude: wireText(256).optional(),
  longitude: wireText(256).optional(),
  altitude: wireText(256).optional(),
  city: wireText(256).optional(),
  additionalNotes: wireText().optional(),
})

const characteristicsWire = wireObject({
  architecture: wireText(256).default(''),
  cpu: quantityOrZero,
  memory: quantityOrZero,
  pods: quantityOrZero,
  gpu: gpuWire.optional(),
  storage: quantityString.optional(),
})

const propertiesWire = wireObject({
  latency: z.number().int().optional(),
  securityStandards: wireList(wireText(256)).optional(),
  carbonFootprint: wireObject({ embodied: z.number().int().default(0), operational: wireList(z.number().int()).default([]) }).optional(),
  networkAuthorizations: jsonValue().optional(),
  additionalProperties: jsonValue().pipe(z.record(z.string(), z.unknown())).optional(),
})

const partitionabilityWire = wireObject({
  cpuMin: quantityOrZero,
  memoryMin: quantityOrZero,
  podsMin: quantityOrZero,
  cpuStep: quantityOrZero,
  memoryStep: quantityOrZero,
  podsStep: quantityOrZero,
  gpuMin: quantityString.optional(),
  gpuStep: quantityString.optional(),
})

const k8sliceDataWire = wireObject(
  {
    charateristics: characteristicsWire,
    properties: propertiesWire.default({}),
    policies: wireObject({ partitionability: partitionabilityWire.prefault({}) }).prefault({}),
  },
  { aliases: { characteristics: 'charateristics' } },
)

const serviceDataWire = wireObject({
  name: wireText(256).default(''),
  description: wireText().default(''),
  category: wireText(256).default(''),
  tags: wireList(wireText(256)).default([]),
  hostingPolicies: wireList(z.enum(HOSTING_POLICIES)).default([]),
  configurationTemplate: jsonValue().optional(),
})

export const flavourWire = wireObject({
  flavorID: wireId,
  providerID: wireIdOrEmpty.default(''),
  type: wireObject({ name: wireText(64), data: z.unknown() }),
  networkPropertyType: wireText(256).optional(),
  timestamp: timestampString.optional(),
  location: locationWire.optional(),
  price: priceWire.default({ amount: '', currency: '', period: '' }),
  owner: nodeIdentityWire,
  availability: z.boolean().default(false),
})

export const flavourTypeFromWire = (name: string): FlavourType => {
  const type = name.toLowerCase()
  if (!(FLAVOUR_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError(`Unknown flavour type "${name}"`, { code: 'INVALID_BODY' })
  }
  return type as FlavourType
}

function partitionabilityFromWire(p: z.output<typeof partitionabilityWire>): Partitionability {
  const { gpuMin, gpuStep, ...rest } = p
  return { ...rest, ...(gpuMin ? { gpuMin } : {}), ...(gpuStep ? { gpuStep } : {}) }
}

function k8sliceSpecFromWire(data: unknown): K8SliceSpec {
  const wire = decodeWith(k8sliceDataWire, data, 'k8slice flavour data', ['type', 'data'])
  const c = wire.charateristics
  const p = wire.policies.partitionability
  return {
    type: 'k8slice',
    characteristics: {
      architecture: c.architecture,
      cpu: c.cpu,
      memory: c.memory,
      pods: c.pods,
      ...(c.gpu ? { gpu: c.gpu } : {}),
      ...(c.storage ? { storage: c.storage } : {}),
    },
    properties: omitEmpty(wire.properties),
    partitionability: partitionabilityFromWire(p),
  }
}

function serviceSpecFromWire(data: unknown): ServiceSpec {
  const wire = decodeWith(serviceDataWire, data, 'service flavour data', ['type', 'data'])
  return { type: 'service', ...wire, configurationTemplate: wire.configurationTemplate ?? {} }
}

/** Decodes the spec of a flavour type; VM and Sensor are recognised and refused as unsupported. */
function specFromWire(typeName: string, data: unknown): K8SliceSpec | ServiceSpec {
  const type = flavourTypeFromWire(typeName)
  if (!isSupportedFlavourType(type)) throw new UnsupportedFlavourTypeError(type)
  return type === 'k8slice' ? k8sliceSpecFromWire(data) : serviceSpecFromWire(data)
}

const locationFromWire = (wire: z.output<typeof locationWire>): Location =>
  omitEmpty({
    latitude: wire.latitude,
    longitude: wire.longitude,
    country: wire.altitude,
    city: wire.city,
    additionalNotes: wire.additionalNotes,
  })

/** Decodes a FLUIDOS wire flavour tolerantly: case-insensitive keys, `characteristics` as an alias. */
export function flavourFromWire(value: unknown): Flavour {
  const wire = decodeWith(flavourWire, value, 'flavour')
  const location = wire.location ? locationFromWire(wire.location) : undefined
  return {
    id: wire.flavorID,
    providerId: wire.providerID,
    spec: specFromWire(wire.type.name, wire.type.data),
    ...(wire.networkPropertyType ? { networkPropertyType: wire.networkPropertyType } : {}),
    createdAt: wire.timestamp ?? new Date(0),
    ...(location && Object.keys(location).length ? { location } : {}),
    price: wire.price,
    owner: identityFromWire(wire.owner),
    available: wire.availability,
  }
}

export const gpuToWire = (gpu: Gpu) => ({ model: gpu.model, cores: gpu.cores.toString(), memory: gpu.memory.toString() })

function k8sliceDataToWire(spec: K8SliceSpec) {
  const c = spec.characteristics
  const p = spec.partitionability
  const props = spec.properties
  return {
    charateristics: {
      architecture: c.architecture,
      cpu: c.cpu.toString(),
      memory: c.memory.toString(),
      pods: c.pods.toString(),
      ...(c.gpu ? { gpu: gpuToWire(c.gpu) } : {}),
      ...(c.storage ? { storage: c.storage.toString() } : {}),
    },
    properties: omitEmpty({
      latency: props.latency,
      securityStandards: props.securityStandards,
      carbonFootprint: props.carbonFootprint,
      networkAuthorizations: props.networkAuthorizations,
      additionalProperties: props.additionalProperties,
    }),
    policies: {
      partitionability: {
        cpuMin: p.cpuMin.toString(),
        memoryMin: p.memoryMin.toString(),
        podsMin: p.podsMin.toString(),
        cpuStep: p.cpuStep.toString(),
        memoryStep: p.memoryStep.toString(),
        podsStep: p.podsStep.toString(),
        ...(p.gpuMin ? { gpuMin: p.gpuMin.toString() } : {}),
        ...(p.gpuStep ? { gpuStep: p.gpuStep.toString() } : {}),
      },
    },
  }
}

const serviceDataToWire = (spec: ServiceSpec) => ({
  name: spec.name,
  description: spec.description,
  category: spec.category,
  tags: spec.tags,
  hostingPolicies: spec.hostingPolicies,
  configurationTemplate: spec.configurationTemplate,
})

const locationToWire = (location: Location) =>
  omitEmpty({
    latitude: location.latitude,
    longitude: location.longitude,
    altitude: location.country,
    city: location.city,
    additionalNotes: location.additionalNotes,
  })

const priceToWire = (price: Price) => ({ amount: price.amount, currency: price.currency, period: price.period })

/** Encodes a flavour with exactly the Go node's keys and key order (reference §3.3). */
export function flavourToWire(flavour: Flavour) {
  return {
    flavorID: flavour.id,
    providerID: flavour.providerId,
    type: {
      name: flavour.spec.type,
      data: flavour.spec.type === 'k8slice' ? k8sliceDataToWire(flavour.spec) : serviceDataToWire(flavour.spec),
    },
    ...(flavour.networkPropertyType ? { networkPropertyType: flavour.networkPropertyType } : {}),
    timestamp: formatTimestamp(flavour.createdAt),
    ...(flavour.location ? { location: locationToWire(flavour.location) } : {}),
    price: priceToWire(flavour.price),
    owner: identityToWire(flavour.owner),
    availability: flavour.available,
  }
}

const encodedJson = new WeakMap<Flavour, string>()

/**
 * The JSON array text of flavours as the Go node sends it. Each flavour's text is memoised by object
 * identity, which pays off because storage adapters share decoded, immutable flavour objects.
 */
export function flavoursToJson(flavours: readonly Flavour[]): string {
  const parts = flavours.map((flavour) => {
    let text = encodedJson.get(flavour)
    if (text === undefined) {
      text = JSON.stringify(flavourToWire(flavour))
      encodedJson.set(flavour, text)
    }
    return text
  })
  return `[${parts.join(',')}]`
}
