import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { AGENT_OUTCOMES } from '../../../core/agent/ports.ts'
import { flavourWire } from '../../../core/wire/flavour-codec.ts'
import { agentCommandsQuery, agentResultBody } from '../agent-routes.ts'
import { failure, json } from './provider-docs.ts'

const command = z.object({
  id: z.string().describe('Stable across redeliveries'),
  receipt: z.string().describe('This delivery’s handle, for the result'),
  type: z.string().describe('DEPLOY_VIRTUAL_ROUTER, …'),
  payload: z.record(z.string(), z.unknown()),
  receivedCount: z.number().int().describe('Deliveries so far; the 5th unacknowledged one goes to the DLQ'),
})

const record = z.object({
  id: z.string(),
  type: z.string().nullable(),
  outcome: z.enum(AGENT_OUTCOMES),
  detail: z.string().nullable(),
  receivedCount: z.number().int().nullable(),
  updatedAt: z.string(),
})

const unauthorized = failure('Missing or wrong agent token')

/** Documents the in-cluster agent's API (bearer token when AGENT_TOKEN is set): commands and flavour refresh. */
export function registerAgentDocs(registry: OpenAPIRegistry): void {
  const id = z.object({ id: z.string() })
  registry.registerPath({
    method: 'get',
    path: '/agent/v1/commands',
    summary: 'Long-poll the agent command queue: up to `max` commands, waiting up to `wait` seconds for one',
    request: { query: agentCommandsQuery },
    responses: { 200: json(z.object({ commands: z.array(command) }), 'Commands handed out (hidden for the queue’s visibility timeout)'), 400: failure('Bad wait or max'), 401: unauthorized },
  })
  registry.registerPath({
    method: 'get',
    path: '/agent/v1/commands/{id}',
    summary: 'What became of a command: received, progress, done or failed (with its reason)',
    request: { params: id },
    responses: { 200: json(record, 'The command’s latest outcome'), 404: failure('Never handed out'), 401: unauthorized },
  })
  registry.registerPath({
    method: 'post',
    path: '/agent/v1/commands/{id}/result',
    summary: 'Report on a command: done or failed deletes it from the queue, progress hides it longer',
    request: { params: id, body: json(agentResultBody, 'Result') },
    responses: {
      200: json(record, 'Recorded (a command already finished answers its first final outcome)'),
      400: failure('Bad body or id'),
      409: failure('The receipt names no delivery in flight, or progress on a finished command'),
      401: unauthorized,
    },
  })
  registry.registerPath({
    method: 'put',
    path: '/agent/v1/flavours/{id}',
    summary: 'Publish or refresh a node’s flavour in place: the pool’s free capacity moves by the difference, never below what is held',
    request: { params: id, body: json(flavourWire, 'Flavour (owner, providerID and timestamp default to this participant and now)') },
    responses: {
      200: json(flavourWire, 'Refreshed: the flavour as now advertised (under its remainder’s id after a sale)'),
      201: json(flavourWire, 'Published'),
      400: failure('Invalid flavour, or flavorID not the path’s'),
      409: failure('A refresh may not change the flavour’s type'),
      401: unauthorized,
    },
  })
  registry.registerPath({
    method: 'delete',
    path: '/agent/v1/flavours/{id}',
    summary: 'Withdraw a node’s flavour: no longer advertised; holds and contracts on it stay valid',
    request: { params: id },
    responses: { 204: { description: 'Withdrawn (or already)' }, 404: failure('Never published'), 401: unauthorized },
  })
}
