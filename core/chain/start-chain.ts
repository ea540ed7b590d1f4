import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts'
import type { Configuration } from '../flavours/model.ts'
import type { RemoteFlavourRepository } from '../discovery/ports.ts'
import type { ChainDeps } from './chain-deps.ts'
import type { Hop } from './model.ts'
import { drainOutbox } from './drain-outbox.ts'
import { message, note, send, withOutbox } from './hop-transitions.ts'
import { startPurchase } from './handle-chain-message.ts'

export interface StartChainRequest {
  flavourId: string
  providerId: string
  configuration?: Configuration
  /** Reserve now and purchase later (`purchaseChain`), e.g. to reserve several candidates. */
  deferPurchase?: boolean
}

/**
 * The consumer node's Contract Manager (seed steps 19–20): picks the fresh Peering Candidate for the
 * flavour and sends RESERVE_FLAVOUR along its route. Answers at once with the operation (the chain id);
 * the rest happens on the queues.
 */
export async function startChain(deps: ChainDeps & { candidates: RemoteFlavourRepository }, request: StartChainRequest): Promise<Hop> {
  const now = deps.clock.now()
  const candidates = await Promise.all([deps.candidates.listFresh('k8slice', now), deps.candidates.listFresh('service', now)])
  const candidate = candidates.flat().find((c) => c.flavour.id === request.flavourId && (c.flavour.owner.id || c.flavour.providerId) === request.providerId)
  if (!candidate) throw new NotFoundError('Peering candidate', `${request.providerId}/${request.flavourId}`, { code: 'CANDIDATE_NOT_FOUND' })
  if (candidate.route.length === 0) throw new ValidationError('The flavour is this participant’s own; no chain is needed', { code: 'OWN_FLAVOUR' })
  const chainId = deps.ids.next('chain-')
  const route = [deps.self.id, ...candidate.route]
  const buyer = deps.self
  let hop: Hop = {
    chainId,
    position: 'origin',
    route,
    downstream: route[1]!,
    buyer,
    flavourId: request.flavourId,
    providerId: request.providerId,
    ...(request.configuration ? { configuration: request.configuration } : {}),
    state: 'reserving',
    timeline: [{ at: now, event: 'CHAIN_STARTED', detail: route.join(' → ') }],
    outbox: [],
    createdAt: now,
    updatedAt: now,
    version: 0,
  }
  if (request.deferPurchase) hop = note({ ...hop, deferPurchase: true }, now, 'PURCHASE_DEFERRED')
  hop = withOutbox(
    hop,
    send(message(hop, deps.self.id, route[1]!, { type: 'RESERVE', buyer, flavourId: request.flavourId, providerId: request.providerId, ...(request.configuration ? { configuration: request.configuration } : {}) }, now)),
    send(message(hop, deps.self.id, deps.self.id, { type: 'TIMEOUT', phase: 'reserve' }, now), deps.settings.hopTimeoutSeconds),
  )
  await deps.hops.create(hop)
  deps.logger.info('CHAIN_STARTED', { chainId, route })
  await drainOutbox(deps, chainId)
  return (await deps.hops.get(chainId)) ?? hop
}

/** Purchases a reservation made with `deferPurchase` (PURCHASE_FLAVOUR along the same route). */
export async function purchaseChain(deps: ChainDeps, chainId: string): Promise<Hop> {
  const hop = await deps.hops.get(chainId)
  if (!hop || hop.position !== 'origin') throw new NotFoundError('Operation', chainId, { code: 'OPERATION_NOT_FOUND' })
  if (hop.state === 'purchasing' || hop.state === 'purchased') return hop
  if (hop.state !== 'reserved') throw new ConflictError(`Operation ${chainId} is ${hop.state}, not reserved`, { code: 'OPERATION_NOT_RESERVED' })
  const requested = note({ ...hop, deferPurchase: false }, deps.clock.now(), 'PURCHASE_REQUESTED')
  const next = startPurchase(deps, requested)
  await deps.hops.save({ ...next, version: hop.version + 1 }, hop.version)
  await drainOutbox(deps, chainId)
  return (await deps.hops.get(chainId)) ?? next
}

