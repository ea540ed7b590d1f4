import { Hono } from 'hono'
import { NotFoundError, ValidationError } from '../../core/shared/errors.ts'
import type { ChainDeps } from '../../core/chain/chain-deps.ts'
import type { Hop } from '../../core/chain/model.ts'
import { purchaseChain, releaseChain, startChain } from '../../core/chain/start-chain.ts'
import type { RemoteFlavourRepository } from '../../core/discovery/ports.ts'
import { chainMessageFromWire } from '../../core/wire/chain-codec.ts'
import { configurationFromWire } from '../../core/wire/configuration-codec.ts'
import { operationRequestWire } from '../../core/wire/operation-codec.ts'
import { decodeWith, jsonValue } from '../../core/wire/wire-object.ts'
import { authorizeChainSender } from '../../core/security/authorize.ts'
import * as z from 'zod'
import type { WorkloadStatus } from '../../core/chain/model.ts'
import { deployWorkload, removeWorkload } from '../../core/chain/cluster-work.ts'

/** Most objects one workload may carry (each at most 32 KiB of JSON, within the request body limit). */
export const MAX_MANIFESTS = 50

const workloadOf = (hop: Hop, name: string): WorkloadStatus => {
  const workload = 'workloads' in hop ? hop.workloads?.[name] : undefined
  if (!workload) throw new NotFoundError('Workload', name, { code: 'WORKLOAD_NOT_FOUND' })
  return workload
}
import type { AppEnv } from './env.ts'
import { idParam, methodNotAllowed, readJson, workloadName } from './middleware.ts'

const workloadView = (w: WorkloadStatus) => ({
  phase: w.phase,
  readyPods: w.readyPods,
  totalPods: w.totalPods,
  node: w.node ?? null,
  detail: w.detail ?? null,
  updatedAt: w.updatedAt.toISOString(),
})

/** A workload to deploy onto the contract's virtual node: plain Kubernetes manifests. */
export const workloadBody = z.strictObject({
  manifests: z
    .array(jsonValue().pipe(z.record(z.string(), z.unknown())))
    .min(1)
    .max(MAX_MANIFESTS)
    .describe(`Kubernetes objects (Deployment, Pod, Service, ConfigMap, Secret), at most ${MAX_MANIFESTS}; namespaces are set to the workload's`),
})

/** What an operator or platform sees of one chain at this participant. */
export const hopView = (hop: Hop, participant: string) => ({
  operationId: hop.chainId,
  participant,
  position: hop.position,
  state: hop.state,
  route: hop.route,
  upstream: 'upstream' in hop ? hop.upstream : null,
  downstream: 'downstream' in hop ? hop.downstream : null,
  flavorID: hop.flavourId,
  providerID: hop.providerId,
  transactionID: hop.transactionId ?? null,
  downstreamTransactionID: ('downstreamTransactionId' in hop && hop.downstreamTransactionId) || null,
  contractID: hop.contractId ?? null,
  downstreamContractID: ('downstreamContractId' in hop && hop.downstreamContractId) || null,
  allocationID: ('allocationId' in hop && hop.allocationId) || null,
  remoteClusterID: hop.remoteClusterId ?? null,
  peering: hop.peering ? { status: hop.peering.status, at: hop.peering.at.toISOString(), detail: hop.peering.detail ?? null } : null,
  workloads: 'workloads' in hop && hop.workloads ? Object.fromEntries(Object.entries(hop.workloads).map(([name, w]) => [name, workloadView(w)])) : {},
  deadline: hop.deadline?.toISOString() ?? null,
  failure: hop.failure ?? null,
  timeline: hop.timeline.map((t) => ({ at: t.at.toISOString(), event: t.event, ...(t.detail ? { detail: t.detail } : {}) })),
})

/** Chain messages from peers (acknowledged at once, processed from the queue) and operation status. */
export function chainRoutes(deps: ChainDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.post('/rear/v1/chain/messages', async (c) => {
    const message = chainMessageFromWire(await readJson(c))
    authorizeChainSender(c.get('caller'), message.from)
    if (message.to !== deps.self.id) throw new ValidationError(`Message ${message.id} is for ${message.to}, not ${deps.self.id}`, { code: 'WRONG_RECIPIENT' })
    if (message.payload.type === 'TIMEOUT') throw new ValidationError('TIMEOUT messages are internal', { code: 'INVALID_BODY' })
    await deps.queue.enqueue(message)
    return c.json({ messageId: message.id, accepted: true }, 202)
  })
  app.all('/rear/v1/chain/messages', methodNotAllowed(['POST']))

  app.get('/chain/v1/operations/:id', async (c) => {
    const id = idParam(c, 'id')
    const hop = await deps.hops.get(id)
    if (!hop) throw new NotFoundError('Operation', id)
    return c.json(hopView(hop, deps.self.id))
  })
  return app
}

/** The consumer node's operations: start a reserve-and-buy chain, or buy a deferred reservation. */
export function operationRoutes(deps: ChainDeps & { candidates: RemoteFlavourRepository }): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.post('/chain/v1/operations', async (c) => {
    const body = decodeWith(operationRequestWire, await readJson(c), 'operation request')
    const hop = await startChain(
      { ...deps, logger: c.get('logger') },
      {
        flavourId: body.flavorID,
        providerId: body.providerID,
        deferPurchase: body.deferPurchase,
        ...(body.configuration ? { configuration: configurationFromWire(body.configuration) } : {}),
      },
    )
    c.header('Location', `/chain/v1/operations/${hop.chainId}`)
    return c.json(hopView(hop, deps.self.id), 202)
  })
  app.all('/chain/v1/operations', methodNotAllowed(['POST']))
  app.post('/chain/v1/operations/:id/purchase', async (c) => {
    const hop = await purchaseChain({ ...deps, logger: c.get('logger') }, idParam(c, 'id'))
    return c.json(hopView(hop, deps.self.id), 202)
  })
  app.all('/chain/v1/operations/:id/purchase', methodNotAllowed(['POST']))
  app.post('/chain/v1/operations/:id/release', async (c) => {
    const hop = await releaseChain({ ...deps, logger: c.get('logger') }, idParam(c, 'id'))
    return c.json(hopView(hop, deps.self.id), 202)
  })
  app.all('/chain/v1/operations/:id/release', methodNotAllowed(['POST']))

  app.put('/chain/v1/operations/:id/workloads/:name', async (c) => {
    const id = idParam(c, 'id')
    const name = workloadName(c)
    const body = decodeWith(workloadBody, await readJson(c), 'workload')
    const hop = await deployWorkload({ ...deps, logger: c.get('logger') }, id, { name, manifests: body.manifests })
    return c.json({ operationId: id, name, ...workloadView(workloadOf(hop, name)) }, 202)
  })
  app.get('/chain/v1/operations/:id/workloads/:name', async (c) => {
    const id = idParam(c, 'id')
    const name = workloadName(c)
    const hop = await deps.hops.get(id)
    if (!hop) throw new NotFoundError('Operation', id)
    return c.json({ operationId: id, name, ...workloadView(workloadOf(hop, name)) })
  })
  app.delete('/chain/v1/operations/:id/workloads/:name', async (c) => {
    const id = idParam(c, 'id')
    const name = workloadName(c)
    const hop = await removeWorkload({ ...deps, logger: c.get('logger') }, id, name)
    return c.json({ operationId: id, name, ...workloadView(workloadOf(hop, name)) }, 202)
  })
  app.all('/chain/v1/operations/:id/workloads/:name', methodNotAllowed(['PUT', 'GET', 'DELETE']))
  return app
}
