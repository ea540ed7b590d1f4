import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { flavourWire } from '../../../core/wire/flavour-codec.ts'
import { contractWire } from '../../../core/wire/contract-codec.ts'
import { failure, json } from './provider-docs.ts'

/** Documents the operator API (bearer token when ADMIN_TOKEN is set). */
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
}
