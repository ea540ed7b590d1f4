import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import * as z from 'zod'
import type { K8SliceProperties, Location, NodeIdentity, Partitionability, Price } from '../core/flavours/model.ts'
import type { Quantity } from '../core/quantity/quantity.ts'
import { ValidationError } from '../core/shared/errors.ts'
import { jsonValue, MAX_ID_LENGTH, quantityString, wireId, wireList, wireText } from '../core/wire/wire-object.ts'

/** Flavour ids are `<domain>-k8slice-<16 hex>`, so the domain leaves room for that suffix within {@link MAX_ID_LENGTH}. */
export const MAX_AGENT_DOMAIN_LENGTH = MAX_ID_LENGTH - '-k8slice-'.length - 16
/** Longest debounce of a rescan: beyond an hour a change is no longer published "within seconds". */
export const MAX_DEBOUNCE_MS = 3_600_000
/** A node change is published about two seconds later: quick for buyers, few publications under churn. */
export const DEFAULT_DEBOUNCE_MS = 2_000

const domain = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_AGENT_DOMAIN_LENGTH, `must be at most ${MAX_AGENT_DOMAIN_LENGTH} characters`)
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'must be a DNS-style name: letters, digits, dots and hyphens')

const text = wireText(256)

const schema = z
  .strictObject({
    clusterId: wireId,
    domain,
    owner: z.strictObject({ id: wireId, ip: text, domain: text.optional(), liqoId: wireId.optional() }),
    location: z
      .strictObject({
        latitude: text.optional(),
        longitude: text.optional(),
        country: text.optional(),
        city: text.optional(),
        additionalNotes: wireText().optional(),
      })
      .optional(),
    price: z.strictObject({ amount: text, currency: text, period: text }),
    properties: z
      .strictObject({
        latency: z.number().int().nonnegative().optional(),
        securityStandards: wireList(text).optional(),
        carbonFootprint: z
          .strictObject({ embodied: z.number().int().nonnegative(), operational: wireList(z.number().int().nonnegative()) })
          .optional(),
        networkAuthorizations: jsonValue().optional(),
        additionalProperties: jsonValue().pipe(z.record(z.string(), z.unknown())).optional(),
      })
      .default({}),
    partitionability: z.strictObject({
      cpuMin: quantityString,
      memoryMin: quantityString,
      podsMin: quantityString,
      cpuStep: quantityString,
      memoryStep: quantityString,
      podsStep: quantityString,
      gpuMin: quantityString.optional(),
      gpuStep: quantityString.optional(),
    }),
    networkPropertyType: text.optional(),
    gpu: z.strictObject({ model: text.optional(), memory: quantityString.optional() }).optional(),
    scan: z
      .strictObject({ debounceMs: z.number().int().min(0).max(MAX_DEBOUNCE_MS, `must be at most ${MAX_DEBOUNCE_MS}`).default(DEFAULT_DEBOUNCE_MS) })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.owner.domain !== undefined && config.owner.domain !== config.domain) {
      ctx.addIssue({ code: 'custom', path: ['owner', 'domain'], message: `must be the configured domain ${config.domain}` })
    }
  })

/** GPU facts for nodes whose GPU feature discovery labels are missing. */
export interface GpuDefaults {
  model?: string
  /** Memory of one GPU. */
  memory?: Quantity
}

/** What one member cluster's agent advertises and how: read once at start, the same for every node's flavour. */
export interface AgentConfig {
  clusterId: string
  domain: string
  owner: NodeIdentity
  location?: Location
  price: Price
  properties: K8SliceProperties
  partitionability: Partitionability
  networkPropertyType?: string
  gpu?: GpuDefaults
  scan: { debounceMs: number }
}

const invalid = (message: string, cause?: unknown) =>
  new ValidationError(`Invalid agent configuration: ${message}`, { code: 'INVALID_AGENT_CONFIGURATION', cause })

function decode(value: unknown): AgentConfig {
  const result = schema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    const path = issue ? [...issue.path, ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])] : []
    throw invalid(`${path.length ? path.map(String).join('.') : 'config'}: ${issue?.message ?? 'malformed'}`, result.error)
  }
  const { owner, location, gpu, networkPropertyType, ...rest } = result.data
  return {
    ...rest,
    owner: { id: owner.id, ip: owner.ip, domain: rest.domain, ...(owner.liqoId ? { liqoId: owner.liqoId } : {}) },
    ...(location ? { location } : {}),
    ...(gpu ? { gpu } : {}),
    ...(networkPropertyType ? { networkPropertyType } : {}),
  }
}

/**
 * Validates an agent configuration document, so a bad file stops the agent at start with the field
 * named rather than publishing wrong flavours. Throws {@link ValidationError}.
 */
export function parseAgentConfig(text: string, format: 'yaml' | 'json'): AgentConfig {
  let value: unknown
  try {
    value = format === 'json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 })
  } catch (error) {
    throw invalid(`not ${format === 'json' ? 'JSON' : 'YAML'} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`, error)
  }
  return decode(value)
}

/** Reads the agent's configuration file: `.json` as JSON, anything else as YAML. */
export async function loadAgentConfig(path: string): Promise<AgentConfig> {
  return parseAgentConfig(await readFile(path, 'utf8'), extname(path).toLowerCase() === '.json' ? 'json' : 'yaml')
}
