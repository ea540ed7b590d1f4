import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { chainMessageWire } from '../../../core/wire/chain-codec.ts'
import { configurationWire } from '../../../core/wire/configuration-codec.ts'
import { flavourWire } from '../../../core/wire/flavour-codec.ts'
import { peerWire } from '../../../core/wire/peer-codec.ts'
import { publicationWire } from '../../../core/wire/publication-codec.ts'
import { relayAnswerWire, relayRequestWire } from '../../../core/wire/relay-codec.ts'
import { failure, json } from './provider-docs.ts'

const id = z.object({ id: z.string() })
const failedPeer = z.object({ peerId: z.string(), kind: z.string(), reason: z.string() })

const operationView = z.object({
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
  failure: z.object({ hop: z.string(), code: z.string(), reason: z.string() }).nullable(),
  timeline: z.array(z.object({ at: z.string(), event: z.string(), detail: z.string().optional() })),
})

/** Documents rear-cloud's own routes between participants and for platforms: discovery, relay, publication, chain. */
export function registerFederationDocs(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/discovery/v1/flavors/{type}',
    summary: 'Discovery Manager (nodes): matching flavours across the federation, with routes, in one call',
    request: { params: z.object({ type: z.enum(['k8slice', 'service']) }) },
    responses: {
      200: json(
        z.object({ correlationId: z.string(), candidates: z.array(z.object({ providerID: z.string(), route: z.array(z.string()), flavor: flavourWire })), failedPeers: z.array(failedPeer) }),
        'Candidates (also stored as Peering Candidates) and the peers that failed',
      ),
      400: failure('Malformed selector'),
    },
  })
  registry.registerPath({
    method: 'post',
    path: '/rear/v1/relay/list-flavours',
    summary: 'LIST_FLAVOURS relayed between participants (visited list, hop limit, budget)',
    request: { body: json(relayRequestWire, 'Relay request') },
    responses: { 200: json(relayAnswerWire, 'Results with routes from this participant, and failed peers'), 400: failure('Malformed request') },
  })
  registry.registerPath({
    method: 'put',
    path: '/rear/v1/publications/{id}',
    summary: 'A provider publishes its whole flavour set (supernodes and catalogs)',
    request: { params: id, body: json(publicationWire, 'The set; flavours left out are withdrawn') },
    responses: {
      200: json(z.object({ accepted: z.number(), withdrawn: z.number(), expiresAt: z.string() }), 'Accepted until expiresAt unless refreshed'),
      403: failure('Not a registered peer, or a flavour it does not own'),
    },
  })
  registry.registerPath({
    method: 'post',
    path: '/rear/v1/chain/messages',
    summary: 'A reservation-chain message from a neighbour; queued and acknowledged at once',
    request: { body: json(chainMessageWire, 'Chain message') },
    responses: { 202: json(z.object({ messageId: z.string(), accepted: z.boolean() }), 'Queued'), 400: failure('Malformed, or not addressed here') },
  })
  registry.registerPath({
    method: 'post',
    path: '/chain/v1/operations',
    summary: 'Start a reserve-and-buy chain for a discovered candidate (nodes)',
    request: {
      body: json(
        z.object({ flavorID: z.string(), providerID: z.string(), configuration: configurationWire.optional(), deferPurchase: z.boolean().optional() }),
        'Which candidate, what part of it, and whether to buy at once',
      ),
    },
    responses: { 202: json(operationView, 'The operation; poll its Location'), 404: failure('No fresh candidate for that flavour') },
  })
  registry.registerPath({
    method: 'get',
    path: '/chain/v1/operations/{id}',
    summary: "This participant's hop of a chain: state, links, contract, failure, timeline",
    request: { params: id },
    responses: { 200: json(operationView, 'Hop'), 404: failure('Unknown operation') },
  })
  registry.registerPath({
    method: 'post',
    path: '/chain/v1/operations/{id}/purchase',
    summary: 'Buy a reservation made with deferPurchase',
    request: { params: id },
    responses: { 202: json(operationView, 'Purchasing'), 409: failure('Not reserved') },
  })
  registry.registerPath({
    method: 'put',
    path: '/admin/v1/peers/{id}',
    summary: 'Register or replace a peer',
    request: { params: id, body: json(peerWire.omit({ id: true }), 'Peer') },
    responses: { 200: json(peerWire, 'Registered'), 400: failure('Invalid peer') },
  })
  registry.registerPath({ method: 'get', path: '/admin/v1/peers', summary: 'The peer registry', responses: { 200: json(z.array(peerWire), 'Peers') } })
}
