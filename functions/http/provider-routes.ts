import { Hono } from 'hono'
import type { Context } from 'hono'
import { NotFoundError, UnsupportedFlavourTypeError } from '../../core/shared/errors.ts'
import type { FlavourRepository } from '../../core/flavours/ports.ts'
import { listFlavours } from '../../core/flavours/list-flavours.ts'
import type { Flavour, SupportedFlavourType } from '../../core/flavours/model.ts'
import type { Selector } from '../../core/flavours/selector.ts'
import { FLAVOUR_TYPES, isSupportedFlavourType } from '../../core/flavours/model.ts'
import type { ReserveDeps } from '../../core/reservations/reserve-flavour.ts'
import { reserveFlavour } from '../../core/reservations/reserve-flavour.ts'
import { cancelReservation, transactionOfBuyer } from '../../core/reservations/cancel-reservation.ts'
import { BuyerNotSignerError, TooManyHoldsError } from '../../core/reservations/errors.ts'
import { holdsReflected } from '../../core/reservations/holds-reflected.ts'
import type { PurchaseDeps } from '../../core/contracts/purchase-flavour.ts'
import { purchaseFlavour } from '../../core/contracts/purchase-flavour.ts'
import { MAX_PUBLISHED_FLAVOURS } from '../../core/discovery/model.ts'
import { parseSelectorQuery } from '../../core/wire/selector-query.ts'
import { reserveRequestFromWire, transactionToWire } from '../../core/wire/reservation-codec.ts'
import { contractToWire, purchaseRequestFromWire } from '../../core/wire/contract-codec.ts'
import type { AppEnv } from './env.ts'
import { idParam, methodNotAllowed, readJson } from './middleware.ts'
import { tooManyRequests } from './rate-limit.ts'
import type { FlavourListing } from './flavour-listing.ts'
import { listingOf } from './flavour-listing.ts'

/** What the provider REAR API needs; a node, a supernode and a catalog all serve it. */
export interface ProviderApiDeps {
  flavours: FlavourRepository
  reserve: ReserveDeps
  purchase: PurchaseDeps
  /** What LIST_FLAVORS answers; a node lists its own flavours, supernodes and catalogs relay. Defaults to own. */
  list?: (selector: Selector | undefined, correlationId: string) => Promise<Flavour[]>
  /** The listing LIST_FLAVORS answers from when given (a node's warm index); else `list`. */
  listing?: FlavourListing
  /** Most flavours one LIST_FLAVORS answer carries (`LIST_MAX_FLAVOURS`, default 5,000). */
  maxListed?: number
}

/** The unpaginated LIST_FLAVORS answer is capped here unless configured: the largest publication a peer accepts. */
export const DEFAULT_MAX_LISTED = MAX_PUBLISHED_FLAVOURS

const JSON_HEADERS = { 'Content-Type': 'application/json' }

const TYPE_ALIASES: Record<string, string> = { k8slices: 'k8slice', sensors: 'sensor' }

/** The selector of `/…/flavors/{type}?filter[...]`: the path's type and the query's filters. */
export const selectorFromRequest = (typeSegment: string, url: string): Selector =>
  parseSelectorQuery(flavourTypeFromPath(typeSegment), new URL(url).searchParams.entries())

function flavourTypeFromPath(raw: string): SupportedFlavourType {
  const type = TYPE_ALIASES[raw] ?? raw
  if (isSupportedFlavourType(type)) return type
  if ((FLAVOUR_TYPES as readonly string[]).includes(type)) throw new UnsupportedFlavourTypeError(type)
  throw new NotFoundError('Flavour type', raw, { code: 'ROUTE_NOT_FOUND' })
}

/** The signing peer's id: a signed peer is the buyer of what it reserves, purchases or cancels. Unsigned callers (Go peers, local curl) are not checked. */
function signer(c: Context<AppEnv>): string | undefined {
  const caller = c.get('caller')
  return caller?.kind === 'peer' ? caller.id : undefined
}

/**
 * The FLUIDOS v0.1 provider API (`/api/v2`), wire-compatible with Go nodes: same paths, bodies and
 * success codes; errors are JSON `{code, message}` with the status table of `error-handler.ts`.
 * A buyer at its hold cap gets 429 `TOO_MANY_HOLDS` with `Retry-After`. rear-cloud peers may also
 * cancel a hold (`DELETE /api/v2/transactions/{id}`). A signed buyer registered with a sealing key
 * gets `peeringTargetCredentials.kubeconfig` as a compact JWE sealed to it; an unsigned (Go) buyer, in clear.
 */
export function providerRoutes(deps: ProviderApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  const available = holdsReflected(deps.flavours)
  const max = deps.maxListed ?? DEFAULT_MAX_LISTED
  const listing = deps.listing ?? listingOf(deps.list ?? ((selector) => listFlavours(available, selector)), max)
  const answer = async (c: Context<AppEnv>, selector: Selector | undefined) => {
    const listed = await listing(selector, c.get('correlationId'))
    if (listed.matched > listed.count) c.get('logger').warn('LIST_CAPPED', { matched: listed.matched, listed: listed.count, max })
    return listed
  }

  app.get('/api/v2/flavors', async (c) => {
    const listed = await answer(c, undefined)
    if (listed.count === 0) return c.body(null, 204)
    return c.body(listed.body, 200, JSON_HEADERS)
  })
  app.all('/api/v2/flavors', methodNotAllowed(['GET']))

  app.get('/api/v2/flavors/:type', async (c) => {
    const listed = await answer(c, selectorFromRequest(c.req.param('type'), c.req.url))
    return c.body(listed.body, 200, JSON_HEADERS)
  })
  app.all('/api/v2/flavors/:type', methodNotAllowed(['GET']))

  app.post('/api/v2/reservations', async (c) => {
    const request = reserveRequestFromWire(await readJson(c))
    const peer = signer(c)
    if (peer !== undefined && request.buyer.id !== peer) throw new BuyerNotSignerError(request.buyer.id, peer)
    try {
      const tx = await reserveFlavour({ ...deps.reserve, logger: c.get('logger') }, request)
      return c.json(transactionToWire(tx))
    } catch (error) {
      if (!(error instanceof TooManyHoldsError)) throw error
      return tooManyRequests(c, { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) }, error.retryAfterSeconds)
    }
  })
  app.all('/api/v2/reservations', methodNotAllowed(['POST']))

  app.post('/api/v2/transactions/:id/purchase', async (c) => {
    const id = idParam(c, 'id')
    const peer = signer(c)
    const request = { ...purchaseRequestFromWire(await readJson(c, {})), ...(peer !== undefined ? { sealFor: peer } : {}) }
    if (peer !== undefined) await transactionOfBuyer(deps.reserve.reservations, id, { buyerId: peer })
    const contract = await purchaseFlavour({ ...deps.purchase, logger: c.get('logger') }, id, request)
    return c.json(contractToWire(contract))
  })
  app.all('/api/v2/transactions/:id/purchase', methodNotAllowed(['POST']))

  app.delete('/api/v2/transactions/:id', async (c) => {
    const id = idParam(c, 'id')
    const peer = signer(c)
    const tx = await cancelReservation({ ...deps.reserve, logger: c.get('logger') }, id, peer === undefined ? {} : { buyerId: peer })
    return c.json({ ...transactionToWire(tx), status: tx.status })
  })
  app.all('/api/v2/transactions/:id', methodNotAllowed(['DELETE']))

  return app
}
