import { Hono } from 'hono'
import { NotFoundError, ValidationError } from '../../core/shared/errors.ts'
import type { ChainDeps } from '../../core/chain/chain-deps.ts'
import type { Hop } from '../../core/chain/model.ts'
import { purchaseChain, releaseChain, startChain } from '../../core/chain/start-chain.ts'
import type { RemoteFlavourRepository } from '../../core/discovery/ports.ts'
import { chainMessageFromWire } from '../../core/wire/chain-codec.ts'
import { configurationFromWire } from '../../core/wire/configuration-codec.ts'
import { operationRequestWire } from '../../core/wire/operation-codec.ts'
import { decodeWith } from '../../core/wire/wire-object.ts'
import type { AppEnv } from './env.ts'
import { idParam, methodNotAllowed, readJson } from './middleware.ts'

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
  deadline: hop.deadline?.toISOString() ?? null,
  failure: hop.failure ?? null,
  timeline: hop.timeline.map((t) => ({ at: t.at.toISOString(), event: t.event, ...(t.detail ? { detail: t.detail } : {}) })),
})

/** Chain messages from peers (acknowledged at once, processed from the queue) and operation status. */
export function chainRoutes(deps: ChainDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.post('/rear/v1/chain/messages', async (c) => {
    const message = chainMessageFromWire(await readJson(c))
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
  return app
}
