import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { SUPPORTED_FLAVOUR_TYPES } from '../../../core/flavours/model.ts'
import { flavourWire } from '../../../core/wire/flavour-codec.ts'
import { contractWire } from '../../../core/wire/contract-codec.ts'
import { admittedPeerWire, peerRegistrationWire, peerWire } from '../../../core/wire/peer-codec.ts'
import { failure, json } from './provider-docs.ts'

const learntEntry = z.object({
  providerID: z.string(),
  flavorID: z.string(),
  type: z.enum(SUPPORTED_FLAVOUR_TYPES),
  route: z.array(z.string()).describe('From the next hop to the provider'),
  seenAt: z.string().describe('When its source knew it'),
  ageSeconds: z.number().int(),
  expiresAt: z.string(),
  stale: z.boolean().describe('No longer offered; the sweeper drops it'),
  learntIn: z.object({ selector: z.string(), at: z.string(), results: z.number().int() }).optional().describe('The discovery answer it came with (candidates)'),
  flavor: flavourWire,
})

const listingQuery = z.object({
  type: z.enum(SUPPORTED_FLAVOUR_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Entries per page (default 100)'),
  cursor: z.string().optional().describe('The next of the previous page'),
})

const learntListing = (what: string) => ({
  request: { query: listingQuery },
  responses: {
    200: json(z.object({ entries: z.array(learntEntry), next: z.string().nullable() }), `${what}, k8slice then service, in (provider, flavour) order`),
    400: failure('Bad type, limit or cursor'),
  },
})

/** Documents `/admin/v1/publications`, served by supernodes and catalogs. */
export function registerPublicationAdminDocs(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/admin/v1/publications',
    summary: 'What providers published here, each with its publisher and age, a page at a time',
    ...learntListing('Published flavours'),
  })
}

/** Documents the operator API (bearer token when ADMIN_TOKEN is set): flavours, transactions, contracts, the peer registry. */
export function registerAdminDocs(registry: OpenAPIRegistry): void {
  const id = z.object({ id: z.string() })
  registry.registerPath({
    method: 'post',
    path: '/admin/v1/flavours',
    summary: 'Publish a flavour in FLUIDOS wire form (owner, providerID and timestamp default to this participant and now)',
    request: { body: json(flavourWire, 'Flavour') },
    responses: { 201: json(flavourWire, 'Published (idempotent per flavorID)'), 400: failure('Invalid flavour'), 401: failure('Missing or wrong admin token') },
  })
  registry.registerPath({
    method: 'get',
    path: '/admin/v1/transactions/{id}',
    summary: 'A transaction with its state (the buyer kubeconfig is never shown)',
    request: { params: id },
    responses: { 200: { description: 'Transaction and status' }, 404: failure('Unknown transaction') },
  })
  registry.registerPath({
    method: 'get',
    path: '/admin/v1/contracts/{id}',
    summary: 'A contract this participant holds (its kubeconfig is never shown: `credential` is sealed, clear or none)',
    request: { params: id },
    responses: { 200: json(contractWire, 'Contract'), 404: failure('Unknown contract') },
  })
  registry.registerPath({
    method: 'get',
    path: '/admin/v1/candidates',
    summary: 'The Peering Candidates discovery learnt, each with its route and age, a page at a time',
    ...learntListing('Peering Candidates'),
  })
  registry.registerPath({ method: 'get', path: '/admin/v1/peers', summary: 'The peer registry', responses: { 200: json(z.array(peerWire), 'Peers') } })
  registry.registerPath({
    method: 'put',
    path: '/admin/v1/peers/{id}',
    summary: 'Register or replace a peer, probing its base URL first',
    request: { params: id, body: json(peerRegistrationWire.omit({ id: true }), 'Peer; without protocol, the base URL is probed (/healthz, then /api/v2/flavors)') },
    responses: {
      200: json(admittedPeerWire, 'Registered, with what the probe found (a given protocol is stored even if the peer does not answer: reachable false)'),
      400: failure('Invalid peer, or a rear-cloud base URL that answers as another participant or role'),
      502: failure('No protocol given and the base URL answers neither as rear-cloud nor as a FLUIDOS Go node (PEER_UNREACHABLE); nothing stored'),
    },
  })
  registry.registerPath({
    method: 'get',
    path: '/admin/v1/peers/{id}',
    summary: 'One registered peer',
    request: { params: id },
    responses: { 200: json(peerWire, 'Peer'), 404: failure('Unknown peer') },
  })
  registry.registerPath({
    method: 'delete',
    path: '/admin/v1/peers/{id}',
    summary: 'Forget a peer (idempotent)',
    request: { params: id },
    responses: { 204: { description: 'Forgotten' } },
  })
}
