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
    description:
      'A signed rear-cloud peer must name itself as `buyerID.ID`. Reserving again with the same buyer, flavour and configuration renews the same transaction; another configuration is refused while that transaction is live (cancel it first). Each buyer may hold at most `MAX_HOLDS_PER_BUYER` (5) live reservations.',
    request: { body: json(reserveRequestWire, 'Reservation request') },
    responses: {
      200: json(transactionWire, 'Granted (the same transaction again for the same buyer, flavour and configuration)'),
      400: failure('Malformed request, missing liqoID, or a configuration that breaks partitionability'),
      403: failure('BUYER_NOT_SIGNER: a signed peer named another buyer'),
      404: failure('Unknown flavour'),
      409: failure('CAPACITY_UNAVAILABLE: the capacity is no longer free; RESERVATION_EXISTS: this buyer holds the flavour under another configuration (details.transactionId)'),
      413: failure('Body too large'),
      429: {
        ...failure('TOO_MANY_HOLDS: the buyer is at its cap of live holds; RATE_LIMITED: too many requests from this caller'),
        headers: { 'Retry-After': { description: 'Seconds until the earliest hold expires, or until the caller may call again', schema: { type: 'integer' } } },
      },
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
      200: json(
        contractWire,
        'The contract (the same one again on repetition). A signed buyer registered with a sealing key gets peeringTargetCredentials.kubeconfig as a compact JWE (ECDH-ES+A256KW, X25519, A256GCM) sealed to it, aud its id and rear.contractId the contract; an unsigned (FLUIDOS Go) buyer gets the base64 kubeconfig in clear',
      ),
      400: failure('Malformed request'),
      403: failure('NOT_YOUR_TRANSACTION: a signed peer that is not the buyer'),
      404: failure('Unknown transaction'),
      408: failure('The transaction expired; its hold is released'),
    },
  })
  registry.registerPath({
    method: 'delete',
    path: '/api/v2/transactions/{id}',
    summary: 'Cancel a reservation (rear-cloud peers; FLUIDOS Go peers never call it): its hold goes back to the pool',
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: json(z.intersection(transactionWire, z.object({ status: z.enum(['released', 'expired']) })), 'Released (again, or already expired: idempotent)'),
      403: failure('NOT_YOUR_TRANSACTION: a signed peer that is not the buyer'),
      404: failure('Unknown transaction'),
      409: failure('TRANSACTION_PURCHASED: a purchased transaction is torn down by the chain release, not cancelled'),
    },
  })
}
