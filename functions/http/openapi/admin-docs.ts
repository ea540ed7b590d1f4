import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { flavourWire } from '../../../core/wire/flavour-codec.ts'
import { contractWire } from '../../../core/wire/contract-codec.ts'
import { admittedPeerWire, peerRegistrationWire, peerWire } from '../../../core/wire/peer-codec.ts'
import { failure, json } from './provider-docs.ts'

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
    summary: 'A contract this participant holds',
    request: { params: id },
    responses: { 200: json(contractWire, 'Contract'), 404: failure('Unknown contract') },
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
