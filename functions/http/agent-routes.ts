import { Hono } from 'hono'
import * as z from 'zod'
import { MAX_COMMANDS, MAX_WAIT_SECONDS, receiveAgentCommands, reportAgentResult } from '../../core/agent/agent-commands.ts'
import type { AgentCommandDeps } from '../../core/agent/agent-commands.ts'
import type { AgentCommandRecord } from '../../core/agent/ports.ts'
import type { NodeIdentity } from '../../core/flavours/model.ts'
import type { FlavourRepository } from '../../core/flavours/ports.ts'
import { replaceFlavour } from '../../core/flavours/replace-flavour.ts'
import { withdrawFlavour } from '../../core/flavours/withdraw-flavour.ts'
import { NotFoundError, UnauthorizedError, ValidationError } from '../../core/shared/errors.ts'
import type { Clock } from '../../core/shared/ports.ts'
import type { ClusterStatus, ClusterStatusRepository } from '../../core/cluster/ports.ts'
import { flavourFromWire, flavourToWire } from '../../core/wire/flavour-codec.ts'
import { identityToWire } from '../../core/wire/identity-codec.ts'
import { MAX_TEXT_LENGTH, decodeWith, formatTimestamp } from '../../core/wire/wire-object.ts'
import type { AppEnv } from './env.ts'
import type { AuthMiddleware } from './middleware.ts'
import { idParam, methodNotAllowed, readJson, readQuery } from './middleware.ts'

/** What the agent API needs: the command queue read on the agent's behalf, and the flavour store it refreshes. */
export interface AgentDeps extends AgentCommandDeps {
  self: NodeIdentity
  clock: Clock
  flavours: FlavourRepository
  /** Where the agent's cluster reports go; the Liqo readiness gate reads them. */
  clusterStatus?: ClusterStatusRepository
}

export const clusterReportBody = z.strictObject({
  clusterId: z.string().min(1).max(253).optional().describe("The Liqo cluster id (liqo/liqo-clusterid-configmap)"),
  liqoReady: z.boolean().describe('Liqo is installed and its cluster id and CRDs answer'),
  detail: z.string().max(MAX_TEXT_LENGTH).optional(),
})

/** SQS receipt handles are at most 1,024 characters; twice that leaves room and still bounds the body. */
const MAX_RECEIPT_LENGTH = 2048

export const agentCommandsQuery = z.strictObject({
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).default(0).describe('Seconds to wait for a first command (long poll), 0–20'),
  max: z.coerce.number().int().min(1).max(MAX_COMMANDS).default(MAX_COMMANDS).describe('Most commands to hand out, 1–10'),
})

export const agentResultBody = z.strictObject({
  receipt: z.string().min(1).max(MAX_RECEIPT_LENGTH).describe('The receipt the command was handed out with'),
  outcome: z.enum(['done', 'failed', 'progress']),
  detail: z.string().max(MAX_TEXT_LENGTH).optional().describe('What happened; the reason of a failure'),
})

/** The agent's bearer token guards `/agent/*` only; open when none is configured (local mode). */
export function agentToken(token: string | undefined): AuthMiddleware {
  return async (c, next) => {
    if (token && c.req.header('Authorization') !== `Bearer ${token}`) throw new UnauthorizedError('A valid agent bearer token is required')
    await next()
  }
}

const recordToWire = (record: AgentCommandRecord) => ({
  id: record.id,
  type: record.type ?? null,
  outcome: record.outcome,
  detail: record.detail ?? null,
  receivedCount: record.receivedCount ?? null,
  updatedAt: record.updatedAt.toISOString(),
})

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The in-cluster agent's API (issue 12): it has no AWS credentials, so its commands come through here
 * (long-polled from the participant's agent queue, acknowledged by id and receipt), and so do the
 * flavours its resource scan publishes, refreshes and withdraws.
 */
export function agentRoutes(deps: AgentDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.get('/agent/v1/commands', async (c) => {
    const { wait, max } = readQuery(c, agentCommandsQuery)
    const commands = await receiveAgentCommands(deps, wait, max)
    return c.json({ commands })
  })
  app.all('/agent/v1/commands', methodNotAllowed(['GET']))

  app.get('/agent/v1/commands/:id', async (c) => {
    const id = idParam(c, 'id')
    const record = await deps.records.get(id)
    if (!record) throw new NotFoundError('Agent command', id)
    return c.json(recordToWire(record))
  })
  app.all('/agent/v1/commands/:id', methodNotAllowed(['GET']))

  app.post('/agent/v1/commands/:id/result', async (c) => {
    const id = idParam(c, 'id')
    const result = decodeWith(agentResultBody, await readJson(c), 'command result')
    const record = await reportAgentResult(deps, id, result)
    c.get('logger').info('AGENT_COMMAND_RESULT', { commandId: id, outcome: record.outcome, ...(record.detail ? { detail: record.detail } : {}) })
    return c.json(recordToWire(record))
  })
  app.all('/agent/v1/commands/:id/result', methodNotAllowed(['POST']))

  app.put('/agent/v1/cluster', async (c) => {
    const report = decodeWith(clusterReportBody, await readJson(c), 'cluster report')
    if (!deps.clusterStatus) throw new NotFoundError('Cluster status', deps.self.id)
    const status = { ...report, reportedAt: deps.clock.now() } as ClusterStatus
    await deps.clusterStatus.save(status)
    return c.json({ ...report, reportedAt: status.reportedAt.toISOString() })
  })
  app.all('/agent/v1/cluster', methodNotAllowed(['PUT']))

  app.put('/agent/v1/flavours/:id', async (c) => {
    const id = idParam(c, 'id')
    const body = await readJson(c)
    if (isObject(body) && body.flavorID !== undefined && body.flavorID !== id) {
      throw new ValidationError(`flavorID ${String(body.flavorID)} does not match the path's ${id}`, { code: 'INVALID_BODY', details: { field: 'flavorID' } })
    }
    const withDefaults = isObject(body)
      ? { owner: identityToWire(deps.self), providerID: deps.self.id, timestamp: formatTimestamp(deps.clock.now()), availability: true, ...body, flavorID: id }
      : body
    const { outcome, advertised } = await replaceFlavour(deps, flavourFromWire(withDefaults))
    c.get('logger').info('FLAVOUR_REFRESHED', { flavourId: id, advertisedId: advertised.id, outcome })
    return c.json(flavourToWire(advertised), outcome === 'created' ? 201 : 200)
  })
  app.delete('/agent/v1/flavours/:id', async (c) => {
    const id = idParam(c, 'id')
    const withdrawn = await withdrawFlavour(deps, id)
    c.get('logger').info('FLAVOUR_WITHDRAWN', { flavourId: id, withdrawn })
    return c.body(null, 204)
  })
  app.all('/agent/v1/flavours/:id', methodNotAllowed(['PUT', 'DELETE']))
  return app
}
