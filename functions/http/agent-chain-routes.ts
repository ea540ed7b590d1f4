import { Hono } from 'hono'
import * as z from 'zod'
import { PEERING_STEPS } from '../../core/cluster/cluster-commands.ts'
import type { ChainDeps } from '../../core/chain/chain-deps.ts'
import { handOverPeering, reportPeering, reportWorkload } from '../../core/chain/cluster-work.ts'
import { WORKLOAD_PHASES } from '../../core/chain/model.ts'
import { peeringDataWire } from '../../core/wire/chain-codec.ts'
import { MAX_TEXT_LENGTH, decodeWith } from '../../core/wire/wire-object.ts'
import { hopView } from './chain-routes.ts'
import type { AppEnv } from './env.ts'
import { idParam, methodNotAllowed, readJson, workloadName } from './middleware.ts'

export const peeringStepBody = z.strictObject({
  step: z.enum(PEERING_STEPS).describe('Which step of declarative Liqo peering this is'),
  data: peeringDataWire.describe("The step's public data (cluster ids, gateway endpoint, public keys, nonce, Tenant, Identity); at most 32 KiB"),
})

export const peeringStatusBody = z.strictObject({
  status: z.enum(['active', 'error']),
  detail: z.string().max(MAX_TEXT_LENGTH).optional(),
})

const podCount = z.number().int().min(0).max(100_000)

export const workloadStatusBody = z.strictObject({
  phase: z.enum(WORKLOAD_PHASES),
  readyPods: podCount,
  totalPods: podCount,
  node: z.string().min(1).max(253).optional(),
  detail: z.string().max(MAX_TEXT_LENGTH).optional(),
})

/**
 * What the in-cluster agent tells its participant about a contract's chain: peering steps for the other
 * end (carried along the route, so no kubeconfig ever leaves a cluster), its side's peering status,
 * which marks the end's allocation, and workload readiness.
 */
export function agentChainRoutes(deps: ChainDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.post('/agent/v1/chains/:id/peering', async (c) => {
    const message = decodeWith(peeringStepBody, await readJson(c), 'peering step')
    const hop = await handOverPeering({ ...deps, logger: c.get('logger') }, idParam(c, 'id'), message)
    return c.json(hopView(hop, deps.self.id), 202)
  })
  app.all('/agent/v1/chains/:id/peering', methodNotAllowed(['POST']))
  app.put('/agent/v1/chains/:id/peering-status', async (c) => {
    const report = decodeWith(peeringStatusBody, await readJson(c), 'peering status')
    const hop = await reportPeering({ ...deps, logger: c.get('logger') }, idParam(c, 'id'), report)
    return c.json(hopView(hop, deps.self.id))
  })
  app.all('/agent/v1/chains/:id/peering-status', methodNotAllowed(['PUT']))
  app.put('/agent/v1/chains/:id/workloads/:name', async (c) => {
    const report = decodeWith(workloadStatusBody, await readJson(c), 'workload status')
    const hop = await reportWorkload({ ...deps, logger: c.get('logger') }, idParam(c, 'id'), workloadName(c), report)
    return c.json(hopView(hop, deps.self.id))
  })
  app.all('/agent/v1/chains/:id/workloads/:name', methodNotAllowed(['PUT']))
  return app
}
