import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { chainMessageWire } from '../../../core/wire/chain-codec.ts'
import type { Role } from '../../../core/peers/model.ts'
import { flavourWire } from '../../../core/wire/flavour-codec.ts'
import { operationRequestWire } from '../../../core/wire/operation-codec.ts'
import { publicationWire } from '../../../core/wire/publication-codec.ts'
import { DISCOVERY_PAGE } from '../discovery-routes.ts'
import { relayAnswerWire, relayRequestWire } from '../../../core/wire/relay-codec.ts'
import { failure, flavourTypeParams, json, selectorParameters } from './provider-docs.ts'
import { WORKLOAD_PHASES } from '../../../core/chain/model.ts'
import { workloadBody } from '../chain-routes.ts'
import { registerPublicationAdminDocs } from './admin-docs.ts'

const id = z.object({ id: z.string() })
const publisherId = z.object({ publisherId: z.string() })
const failedPeer = z.object({ peerId: z.string(), kind: z.string(), reason: z.string() })

const workloadView = z.object({
  phase: z.enum(WORKLOAD_PHASES),
  readyPods: z.number().int(),
  totalPods: z.number().int(),
  node: z.string().nullable().describe('The virtual node its pods run on'),
  detail: z.string().nullable(),
  updatedAt: z.string(),
})

export const operationView = z.object({
  operationId: z.string(),
  participant: z.string(),
  position: z.enum(['origin', 'relay', 'provider']),
  state: z.enum(['reserving', 'reserved', 'purchasing', 'purchased', 'failed', 'released']),
  route: z.array(z.string()),
  upstream: z.string().nullable(),
  downstream: z.string().nullable(),
  flavorID: z.string(),
  providerID: z.string(),
  transactionID: z.string().nullable(),
  downstreamTransactionID: z.string().nullable(),
  contractID: z.string().nullable(),
  downstreamContractID: z.string().nullable(),
  allocationID: z.string().nullable(),
  remoteClusterID: z.string().nullable().describe('Ends only: the Liqo cluster id of the other end'),
  peering: z.object({ status: z.enum(['active', 'error']), at: z.string(), detail: z.string().nullable() }).nullable().describe("What this end's agent last said of the peering"),
  workloads: z.record(z.string(), workloadView),
  failure: z.object({ hop: z.string(), code: z.string(), reason: z.string() }).nullable(),
  timeline: z.array(z.object({ at: z.string(), event: z.string(), detail: z.string().optional() })),
})

/** Documents rear-cloud's own routes between participants and for platforms (discovery, relay, publication, chain) that `role` serves. */
export function registerFederationDocs(registry: OpenAPIRegistry, role: Role): void {
  if (role === 'node') registerNodeDocs(registry)
  if (role !== 'node') registerPublicationDocs(registry)
  registry.registerPath({
    method: 'post',
    path: '/rear/v1/relay/list-flavours',
    summary: 'LIST_FLAVOURS relayed between participants (visited list, hop limit, budget)',
    request: { body: json(relayRequestWire, 'Relay request') },
    responses: { 200: json(relayAnswerWire, 'Results with routes from this participant, and failed peers'), 400: failure('Malformed request') },
  })
  registry.registerPath({
    method: 'post',
    path: '/rear/v1/chain/messages',
    summary: 'A reservation-chain message from a neighbour; queued and acknowledged at once',
    request: { body: json(chainMessageWire, 'Chain message') },
    responses: { 202: json(z.object({ messageId: z.string(), accepted: z.boolean() }), 'Queued'), 400: failure('Malformed, or not addressed here') },
  })
  registry.registerPath({
    method: 'get',
    path: '/chain/v1/operations/{id}',
    summary: "This participant's hop of a chain: state, links, contract, failure, timeline",
    request: { params: id },
    responses: { 200: json(operationView, 'Hop'), 404: failure('Unknown operation') },
  })
}

const pageParameters = [
  { name: 'limit', in: 'query' as const, required: false, description: `Candidates in this answer, 1 to ${DISCOVERY_PAGE.max} (default ${DISCOVERY_PAGE.default}), cheapest first (price, then flavour id, then provider)`, schema: { type: 'integer' as const, minimum: 1, maximum: DISCOVERY_PAGE.max }, example: 100 },
  { name: 'cursor', in: 'query' as const, required: false, description: 'The nextCursor of the previous answer: the page after it', schema: { type: 'string' as const, maxLength: 4096 } },
]

const freshParameter = {
  name: 'fresh',
  in: 'query' as const,
  required: false,
  description:
    'true: ask the peers (and have every relay ask its own) instead of answering from an answer learnt within CANDIDATE_TTL_SECONDS for the same selector',
  schema: { type: 'string' as const, enum: ['true', 'false'] },
  example: 'true',
}

function registerNodeDocs(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/discovery/v1/flavors/{type}',
    summary: 'Discovery Manager (nodes): matching flavours across the federation, with routes, in one call (fresh=true skips what was learnt before)',
    request: { params: flavourTypeParams },
    parameters: [...selectorParameters(), freshParameter, ...pageParameters],
    responses: {
      200: json(
        z.object({
          correlationId: z.string(),
          candidates: z.array(z.object({ providerID: z.string(), route: z.array(z.string()), flavor: flavourWire })),
          failedPeers: z.array(failedPeer),
          nextCursor: z.string().optional().describe('Present iff more candidates follow: pass it as cursor for the next page'),
        }),
        'One page of candidates, cheapest first (also stored as Peering Candidates), and the peers that failed',
      ),
      400: failure('Malformed selector, limit or cursor'),
    },
  })
  registry.registerPath({
    method: 'post',
    path: '/chain/v1/operations',
    summary: 'Start a reserve-and-buy chain for a discovered candidate (nodes)',
    request: { body: json(operationRequestWire, 'Which candidate, what part of it, and whether to buy at once') },
    responses: { 202: json(operationView, 'The operation; poll its Location'), 404: failure('No fresh candidate for that flavour') },
  })
  registry.registerPath({
    method: 'post',
    path: '/chain/v1/operations/{id}/purchase',
    summary: 'Buy a reservation made with deferPurchase',
    request: { params: id },
    responses: { 202: json(operationView, 'Purchasing'), 409: failure('Not reserved') },
  })
  registry.registerPath({
    method: 'post',
    path: '/chain/v1/operations/{id}/release',
    summary: 'Tear the chain down: every hop releases, the provider undoes its sale and offers the capacity again',
    request: { params: id },
    responses: { 202: json(operationView, 'Released here; RELEASE walks the route'), 404: failure('Unknown operation'), 409: failure('Still reserving or purchasing') },
  })
  const workload = id.extend({ name: z.string().describe('The workload, and its namespace: a DNS-1123 label') })
  const workloadAnswer = workloadView.extend({ operationId: z.string(), name: z.string() })
  registry.registerPath({
    method: 'put',
    path: '/chain/v1/operations/{id}/workloads/{name}',
    summary: "Deploy a workload onto the contract's virtual node: its namespace is offloaded and its pods pinned there; the agent reports readiness",
    request: { params: workload, body: json(workloadBody, 'Kubernetes manifests') },
    responses: { 202: json(workloadAnswer, 'Queued for the agent'), 400: failure('Bad name or manifests'), 404: failure('Unknown operation'), 409: failure('The contract is not active, or has too many workloads') },
  })
  registry.registerPath({
    method: 'get',
    path: '/chain/v1/operations/{id}/workloads/{name}',
    summary: "A workload's phase and pod readiness",
    request: { params: workload },
    responses: { 200: json(workloadAnswer, 'As the agent last reported'), 404: failure('Unknown operation or workload') },
  })
  registry.registerPath({
    method: 'delete',
    path: '/chain/v1/operations/{id}/workloads/{name}',
    summary: 'Remove a workload from the virtual node',
    request: { params: workload },
    responses: { 202: json(workloadAnswer, 'Removal queued'), 404: failure('Unknown operation or workload') },
  })
}

function registerPublicationDocs(registry: OpenAPIRegistry): void {
  registerPublicationAdminDocs(registry)
  registry.registerPath({
    method: 'put',
    path: '/rear/v1/publications/{publisherId}',
    summary: 'A provider publishes its whole flavour set (supernodes and catalogs)',
    request: {
      params: publisherId,
      body: json(
        publicationWire,
        'The set, whole or (over 128 KiB) in parts 1..count of one publication id sent in order; flavours no part names are withdrawn when the last part arrives; at most 5,000 flavours in all',
      ),
    },
    responses: {
      200: json(
        z.object({ accepted: z.number(), withdrawn: z.number(), complete: z.boolean(), expiresAt: z.string() }),
        'Accepted until expiresAt unless refreshed; complete once the last part arrived',
      ),
      400: failure('Malformed publication, or more than 5,000 flavours (PUBLICATION_TOO_LARGE)'),
      403: failure('Not a registered peer, or a flavour it does not own'),
      409: failure('A part out of order (PUBLICATION_OUT_OF_ORDER); send the publication again from part 1'),
    },
  })
  registry.registerPath({
    method: 'delete',
    path: '/rear/v1/publications/{publisherId}',
    summary: "Withdraw a provider's whole flavour set",
    request: { params: publisherId },
    responses: { 200: json(z.object({ accepted: z.literal(0), withdrawn: z.number() }), 'Withdrawn'), 403: failure('Not a registered peer') },
  })
}
