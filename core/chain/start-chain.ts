import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts'
import type { Configuration } from '../flavours/model.ts'
import { resolveConfiguration } from '../flavours/partitioning.ts'
import type { RemoteFlavourRepository } from '../discovery/ports.ts'
import type { ChainDeps } from './chain-deps.ts'
import type { Hop } from './model.ts'
import { isOutboxEntry } from './model.ts'
import { originate } from './hop-machine.ts'
import { applyEvent, drainOutbox } from './run-hop.ts'

export interface StartChainRequest {
  flavourId: string
  providerId: string
  configuration?: Configuration
  /** Reserve now and purchase later (`purchaseChain`), e.g. to reserve several candidates. */
  deferPurchase?: boolean
}

/**
 * The consumer node's Contract Manager (seed steps 19–20): picks the fresh Peering Candidate for the
 * flavour, checks the configuration exactly as the provider will (so a bad request writes nothing
 * anywhere), and sends RESERVE_FLAVOUR along its route. Answers at once with the operation.
 */
export async function startChain(deps: ChainDeps & { candidates: RemoteFlavourRepository }, request: StartChainRequest): Promise<Hop> {
  const now = deps.clock.now()
  const candidates = await Promise.all([deps.candidates.listFresh('k8slice', now), deps.candidates.listFresh('service', now)])
  const candidate = candidates.flat().find((c) => c.flavour.id === request.flavourId && (c.flavour.owner.id || c.flavour.providerId) === request.providerId)
  if (!candidate) throw Object.assign(new NotFoundError('Peering candidate', `${request.providerId}/${request.flavourId}`, { code: 'CANDIDATE_NOT_FOUND' }), { message: `No fresh Peering candidate ${request.flavourId} of ${request.providerId}: run discovery first (GET /discovery/v1/flavors/{k8slice|service}?filter[...] on this node), then start the chain before the candidate ages out (CANDIDATE_TTL_SECONDS); a flavour sold or replaced since needs a new discovery` })
  const downstream = candidate.route[0]
  if (downstream === undefined) throw new ValidationError('The flavour is this participant’s own; no chain is needed', { code: 'OWN_FLAVOUR' })
  await resolveConfiguration(candidate.flavour, request.configuration)
  const route = [deps.self.id, ...candidate.route]
  const peer = await deps.peers.get(downstream)
  const decision = originate(
    {
      chainId: deps.ids.next('chain-'),
      position: 'origin',
      route,
      downstream,
      buyer: deps.self,
      flavourId: request.flavourId,
      providerId: request.providerId,
      ...(request.configuration ? { configuration: request.configuration } : {}),
      deferPurchase: request.deferPurchase ?? false,
    },
    { self: deps.self.id, ...(deps.selfUrl ? { selfUrl: deps.selfUrl } : {}), now, settings: deps.settings, ...(peer ? { downstreamProtocol: peer.protocol } : {}) },
  )
  const hop: Hop = { ...decision.hop, outbox: decision.commands.filter(isOutboxEntry) }
  await deps.hops.create(hop)
  deps.logger.info('CHAIN_STARTED', { chainId: hop.chainId, route })
  await drainOutbox(deps, hop.chainId, hop)
  return (await deps.hops.get(hop.chainId)) ?? hop
}

/** Purchases a reservation made with `deferPurchase` (PURCHASE_FLAVOUR along the same route). */
export async function purchaseChain(deps: ChainDeps, chainId: string): Promise<Hop> {
  const hop = await deps.hops.get(chainId)
  if (!hop || hop.position !== 'origin') throw new NotFoundError('Operation', chainId, { code: 'OPERATION_NOT_FOUND' })
  if (hop.state === 'purchasing' || hop.state === 'purchased') return hop
  if (hop.state !== 'reserved') throw new ConflictError(`Operation ${chainId} is ${hop.state}, not reserved`, { code: 'OPERATION_NOT_RESERVED' })
  return (await applyEvent(deps, chainId, { type: 'PURCHASE_REQUESTED' })) ?? hop
}

/**
 * Tears a chain down from the consumer (seed workflow's end; FLUIDOS never built it, reference §14 bug
 * 18): RELEASE walks the route, every hop ends released, and the provider undoes the sale, so its pool
 * grows back and the flavour is offered again. Repeating it, or releasing a chain already over, changes nothing.
 */
export async function releaseChain(deps: ChainDeps, chainId: string, reason = 'released by the consumer'): Promise<Hop> {
  const hop = await deps.hops.get(chainId)
  if (!hop || hop.position !== 'origin') throw new NotFoundError('Operation', chainId, { code: 'OPERATION_NOT_FOUND' })
  if (hop.state === 'failed' || hop.state === 'released') return hop
  if (hop.state !== 'reserved' && hop.state !== 'purchased') {
    throw new ConflictError(`Operation ${chainId} is ${hop.state}; release it once it is reserved or purchased (or wait for its deadline)`, { code: 'OPERATION_IN_FLIGHT' })
  }
  return (await applyEvent(deps, chainId, { type: 'RELEASE_REQUESTED', reason })) ?? hop
}
