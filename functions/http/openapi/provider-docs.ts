import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { SUPPORTED_FLAVOUR_TYPES } from '../../../core/flavours/model.ts'
import type { SupportedFlavourType } from '../../../core/flavours/model.ts'
import { K8SLICE_QUANTITY_FILTERS } from '../../../core/flavours/selector.ts'
import { flavourWire } from '../../../core/wire/flavour-codec.ts'
import { contractWire, purchaseRequestWire } from '../../../core/wire/contract-codec.ts'
import { reserveRequestWire, transactionWire } from '../../../core/wire/reservation-codec.ts'
import { SELECTOR_PARAMETERS } from '../../../core/wire/selector-query.ts'

export const errorSchema = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } })
export const failure = (description: string) => json(errorSchema, description)

export const flavourTypeParams = z.object({ type: z.enum(SUPPORTED_FLAVOUR_TYPES) })

const STRING_EXAMPLES: Record<string, string> = { architecture: 'amd64', gpuModel: 'a100', category: 'database', tags: 'mysql' }

function selectorParameter(name: string, types: SupportedFlavourType[]) {
  const filter = /^filter\[([A-Za-z]+)\]/.exec(name)?.[1] ?? ''
  const quantity = (K8SLICE_QUANTITY_FILTERS as readonly string[]).includes(filter)
  return {
    name,
    in: 'query' as const,
    required: false,
    description: `${quantity ? 'A Kubernetes quantity' : 'An exact value'}; for ${types.join(' and ')} flavours`,
    schema: { type: 'string' as const },
    example: quantity ? '2' : (STRING_EXAMPLES[filter] ?? 'x'),
    'x-flavor-types': types,
  }
}

/** The selector query parameters, exactly those the parser accepts (`SELECTOR_PARAMETERS`), each with the types it applies to. */
export const selectorParameters = () => {
  const byName = new Map<string, SupportedFlavourType[]>()
  for (const type of SUPPORTED_FLAVOUR_TYPES) for (const name of SELECTOR_PARAMETERS[type]) byName.set(name, [...(byName.get(name) ?? []), type])
  return [...byName].map(([name, types]) => selectorParameter(name, types))
}

/** Documents the provider API in the app's OpenAPI registry, from the same zod schemas the routes validate with. */
export function registerProviderDocs(registry: OpenAPIRegistry): void {
  const flavours = z.array(flavourWire)
  registry.registerPath({
    method: 'get',
    path: '/api/v2/flavors',
    summary: 'LIST_FLAVORS: every available flavour',
    responses: { 200: json(flavours, 'Available flavours'), 204: { description: 'No flavour is available' } },
  })
  registry.registerPath({
    method: 'get',
    path: '/api/v2/flavors/{type}',
    summary: 'LIST_FLAVORS with a selector (the Go node query grammar, plus GPU filters)',
    request: { params: flavourTypeParams },
    parameters: selectorParameters(),
    responses: {
      200: json(flavours, 'Matching flavours, possibly none'),
      400: failure('Malformed selector (the message names the parameter) or unsupported type (vm, sensor)'),
    },
  })
  registry.registerPath({
    method: 'post',
    path: '/api/v2/reservations',
    summary: 'RESERVE_FLAVOR: hold capacity until the transaction expires',
    request: { body: json(reserveRequestWire, 'Reservation request') },
    responses: {
      200: json(transactionWire, 'Granted (the same transaction again for the same buyer and flavour)'),
      400: failure('Malformed request, missing liqoID, or a configuration that breaks partitionability'),
      404: failure('Unknown flavour'),
      409: failure('The capacity is no longer free'),
      413: failure('Body too large'),
    },
  })
  registry.registerPath({
    method: 'post',
    path: '/api/v2/transactions/{id}/purchase',
    summary: 'PURCHASE_FLAVOR: turn a live transaction into a contract',
    request: {
      params: z.object({ id: z.string() }),
      body: json(purchaseRequestWire, 'Purchase request ({} for a K8Slice)'),
    },
    responses: {
      200: json(contractWire, 'The contract (the same one again on repetition)'),
      400: failure('Malformed request'),
      404: failure('Unknown transaction'),
      408: failure('The transaction expired; its hold is released'),
    },
  })
}
