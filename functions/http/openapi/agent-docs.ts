import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { AGENT_OUTCOMES } from '../../../core/agent/ports.ts'
import { flavourWire } from '../../../core/wire/flavour-codec.ts'
import { agentCommandsQuery, agentResultBody, clusterReportBody } from '../agent-routes.ts'
import { failure, json } from './provider-docs.ts'
import type { Role } from '../../../core/peers/model.ts'
import { peeringStatusBody, peeringStepBody, workloadStatusBody } from '../agent-chain-routes.ts'
import { operationView } from './federation-docs.ts'

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
export function registerAgentDocs(registry: OpenAPIRegistry, role: Role): void {
  if (role === 'node') registerAgentChainDocs(registry)
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
    path: '/agent/v1/cluster',
    summary: "Report whether Liqo is ready on the agent's cluster (every 30 s); while it is not, or reports stop for 90 s, peering calls answer 503",
    request: { body: json(clusterReportBody, 'Cluster report') },
    responses: { 200: json(clusterReportBody.extend({ reportedAt: z.string() }), 'Recorded'), 400: failure('Bad report'), 401: unauthorized },
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

/** The agent's reports on a contract's chain (nodes only: supernodes and catalogs have no cluster). */
function registerAgentChainDocs(registry: OpenAPIRegistry): void {
  const chain = z.object({ id: z.string().describe('The chain (operation) id the command named') })
  const ended = failure('The contract is no longer active (CONTRACT_NOT_ACTIVE): nothing to do')
  registry.registerPath({
    method: 'post',
    path: '/agent/v1/chains/{id}/peering',
    summary: 'Hand a declarative Liqo peering step to the other end; the participants carry it along the route',
    request: { params: chain, body: json(peeringStepBody, 'The step and its public data') },
    responses: { 202: json(operationView, 'Sent towards the other end'), 400: failure('Bad step or data'), 404: failure('No such chain end here'), 409: ended, 401: unauthorized },
  })
  registry.registerPath({
    method: 'put',
    path: '/agent/v1/chains/{id}/peering-status',
    summary: "This side's peering is ready (active) or cannot be (error): the end's allocation follows",
    request: { params: chain, body: json(peeringStatusBody, 'Status and why') },
    responses: { 200: json(operationView, 'Recorded'), 400: failure('Bad body'), 404: failure('No such chain end here'), 409: ended, 401: unauthorized },
  })
  registry.registerPath({
    method: 'put',
    path: '/agent/v1/chains/{id}/workloads/{name}',
    summary: "A workload's phase and pod readiness on the contract's virtual node",
    request: { params: chain.extend({ name: z.string() }), body: json(workloadStatusBody, 'Phase and pods') },
    responses: { 200: json(operationView, 'Recorded'), 400: failure('Bad body or name'), 404: failure('No such workload'), 401: unauthorized },
  })
}
