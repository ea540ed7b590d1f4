import { NotFoundError, UnsupportedFlavourTypeError, ValidationError } from '../shared/errors.ts'
import type { Clock, IdGenerator, Logger } from '../shared/ports.ts'
import { retryOnContention } from '../shared/retry.ts'
import type { Configuration, StoredFlavour } from '../flavours/model.ts'
import { isSupportedFlavourType } from '../flavours/model.ts'
import { demandOf, resolveConfiguration } from '../flavours/partitioning.ts'
import type { FlavourRepository } from '../flavours/ports.ts'
import { CapacityUnavailableError, FlavourGoneError, ReservationExistsError, ReservationKeyTakenError } from './errors.ts'
import type { ReserveRequest, Transaction } from './model.ts'
import { DEFAULT_MAX_HOLDS_PER_BUYER, isLive } from './model.ts'
import type { HoldCap, ReservationRepository } from './ports.ts'
import type { CredentialSealer } from '../security/credential-sealer.ts'
import { isSealed } from '../security/credential-sealer.ts'

export interface ReserveDeps {
  flavours: FlavourRepository
  reservations: ReservationRepository
  clock: Clock
  ids: IdGenerator
  logger: Logger
  /** How long a granted hold lasts, in milliseconds (the Go node's is 1 h). */
  transactionTtlMs: number
  /** Live holds one buyer may have at once (`MAX_HOLDS_PER_BUYER`); 5 when absent. */
  maxHoldsPerBuyer?: number
  /** Seals a buyer kubeconfig that arrives in clear (a FLUIDOS Go buyer) to this provider before it is stored (`SEALING_KEYS`). */
  sealer?: CredentialSealer
}

const sameConfiguration = (a: Configuration | undefined, b: Configuration | undefined): boolean =>
  JSON.stringify(a) === JSON.stringify(b)

/**
 * The flavour to reserve from. A flavour replaced by its remainder after a purchase leads to the
 * remainder (same pool), so buyers who discovered it earlier can still reserve what is left.
 */
async function findFlavour(deps: ReserveDeps, flavourId: string): Promise<StoredFlavour> {
  let stored = await deps.flavours.get(flavourId)
  if (stored?.retired) {
    const pool = await deps.flavours.getPool(stored.poolId)
    stored = pool?.currentFlavourId ? await deps.flavours.get(pool.currentFlavourId) : undefined
  }
  if (!stored || stored.retired) throw new NotFoundError('Flavour', flavourId)
  if (!isSupportedFlavourType(stored.flavour.spec.type)) throw new UnsupportedFlavourTypeError(stored.flavour.spec.type)
  return stored
}

function newTransaction(deps: ReserveDeps, request: ReserveRequest, stored: StoredFlavour, resolved: Configuration, liqoId: string): Transaction {
  const now = deps.clock.now()
  return {
    id: deps.ids.transactionId(now),
    flavourId: stored.flavour.id,
    poolId: stored.poolId,
    buyer: request.buyer,
    reservationKey: request.reservationKey ?? request.buyer.id,
    clusterId: liqoId,
    ...(request.buyerKubeconfig ? { buyerKubeconfig: request.buyerKubeconfig } : {}),
    ...(request.configuration ? { configuration: request.configuration } : {}),
    hold: demandOf(resolved),
    flavour: stored.flavour,
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.transactionTtlMs),
    status: 'reserved',
    version: 0,
  }
}

/**
 * The buyer's kubeconfig as it is stored: a JWE (sealed by the origin to this provider) as received, a
 * clear one sealed to this provider and bound to the transaction. Without a sealer, as received.
 */
async function withSealedKubeconfig(deps: ReserveDeps, tx: Transaction): Promise<Transaction> {
  if (!deps.sealer || !tx.buyerKubeconfig || isSealed(tx.buyerKubeconfig)) return tx
  const self = deps.sealer.self
  return { ...tx, buyerKubeconfig: await deps.sealer.seal(tx.buyerKubeconfig, self, { audience: self.id, transactionId: tx.id }) }
}

/** Frees holds on this pool whose expiry has passed; true when any capacity came back. */
async function reclaimExpired(deps: ReserveDeps, poolId: string): Promise<boolean> {
  const now = deps.clock.now()
  const expired = await deps.reservations.listExpired(now, { limit: 25, poolId })
  let reclaimed = false
  for (const tx of expired) {
    if (await deps.reservations.releaseHold(tx, 'expired', now)) {
      reclaimed = true
      deps.logger.info('RESERVATION_EXPIRED', { transactionId: tx.id, flavourId: tx.flavourId })
    }
  }
  return reclaimed
}

/** The same configuration again renews the hold; another one never changes a live transaction. */
async function refresh(deps: ReserveDeps, existing: Transaction, request: ReserveRequest): Promise<Transaction> {
  if (!sameConfiguration(existing.configuration, request.configuration)) throw new ReservationExistsError(existing.id)
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + deps.transactionTtlMs)
  await deps.reservations.extendHold(existing, expiresAt, now)
  deps.logger.info('RESERVATION_REFRESHED', { transactionId: existing.id, flavourId: existing.flavourId })
  return { ...existing, expiresAt }
}

async function attempt(deps: ReserveDeps, request: ReserveRequest, stored: StoredFlavour, resolved: Configuration, liqoId: string): Promise<Transaction> {
  const existing = await deps.reservations.findByBuyer(request.reservationKey ?? request.buyer.id, stored.flavour.id)
  if (existing && isLive(existing, deps.clock.now())) return refresh(deps, existing, request)
  if (existing?.status === 'reserved') await deps.reservations.releaseHold(existing, 'expired', deps.clock.now())
  const tx = await withSealedKubeconfig(deps, newTransaction(deps, request, stored, resolved, liqoId))
  const cap = (): HoldCap => ({ max: deps.maxHoldsPerBuyer ?? DEFAULT_MAX_HOLDS_PER_BUYER, now: deps.clock.now() })
  try {
    await deps.reservations.createHold(tx, cap())
  } catch (error) {
    if (error instanceof CapacityUnavailableError && (await reclaimExpired(deps, stored.poolId))) {
      await deps.reservations.createHold(tx, cap())
    } else throw error
  }
  deps.logger.info('RESERVATION_CREATED', { transactionId: tx.id, flavourId: tx.flavourId, buyerId: tx.buyer.id })
  return tx
}

/**
 * RESERVE_FLAVOUR (provider side). Validates the configuration against the flavour, then holds that
 * capacity on the flavour's pool until the transaction expires. Idempotent per (buyer, flavour):
 * repeating with the same configuration returns the same transaction with a fresh expiry; another
 * configuration is refused while it is live ({@link ReservationExistsError}), so nobody resizes it.
 * Errors: 404 unknown flavour; 400 bad configuration or missing liqoID; 409 capacity not free or a
 * live transaction with another configuration; TOO_MANY_HOLDS when the buyer is at its hold cap.
 */
export async function reserveFlavour(deps: ReserveDeps, request: ReserveRequest): Promise<Transaction> {
  const liqoId = request.buyer.liqoId
  if (!liqoId) throw new ValidationError('buyerID.additionalInformation.liqoID is required', { code: 'LIQO_ID_REQUIRED' })
  const stored = await findFlavour(deps, request.flavourId)
  const resolved = await resolveConfiguration(stored.flavour, request.configuration)
  for (let round = 0; ; round++) {
    try {
      return await retryOnContention(deps.clock, () => attempt(deps, request, stored, resolved, liqoId))
    } catch (error) {
      if (error instanceof ReservationKeyTakenError && round < 3) continue
      if (error instanceof FlavourGoneError) throw new NotFoundError('Flavour', request.flavourId, { cause: error })
      throw error
    }
  }
}
