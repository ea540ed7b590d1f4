import { Hono } from 'hono'
import type { Context } from 'hono'
import * as z from 'zod'
import { NotFoundError, ValidationError } from '../../core/shared/errors.ts'
import type { Clock } from '../../core/shared/ports.ts'
import type { NodeIdentity } from '../../core/flavours/model.ts'
import { SUPPORTED_FLAVOUR_TYPES, isSupportedFlavourType } from '../../core/flavours/model.ts'
import type { RemoteFlavourRepository } from '../../core/discovery/ports.ts'
import type { LearntCursor } from '../../core/discovery/list-learnt.ts'
import { listLearnt } from '../../core/discovery/list-learnt.ts'
import type { FlavourRepository } from '../../core/flavours/ports.ts'
import { publishFlavour } from '../../core/flavours/publish-flavour.ts'
import type { ContractRepository } from '../../core/contracts/ports.ts'
import type { ReservationRepository } from '../../core/reservations/ports.ts'
import { flavourFromWire, flavourToWire } from '../../core/wire/flavour-codec.ts'
import { identityToWire } from '../../core/wire/identity-codec.ts'
import { contractToWire } from '../../core/wire/contract-codec.ts'
import { withoutCredential } from '../../core/contracts/sealed-credentials.ts'
import { transactionToWire } from '../../core/wire/reservation-codec.ts'
import { formatTimestamp } from '../../core/wire/wire-object.ts'
import type { AppEnv } from './env.ts'
import { idParam, methodNotAllowed, readJson, readQuery } from './middleware.ts'

export interface AdminDeps {
  self: NodeIdentity
  clock: Clock
  flavours: FlavourRepository
  reservations: ReservationRepository
  contracts: ContractRepository
  /** What discovery learnt: listed at `/admin/v1/candidates`. */
  candidates: RemoteFlavourRepository
  /** What providers published here (supernodes and catalogs): listed at `/admin/v1/publications`. */
  published?: RemoteFlavourRepository
}

const LISTING_QUERY = z.strictObject({
  type: z.enum(SUPPORTED_FLAVOUR_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2048).optional(),
})

function cursorFromQuery(text: string): LearntCursor {
  const [type, after, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('\n')
  if (rest.length > 0 || !type || !isSupportedFlavourType(type) || after === undefined || after.length === 0) {
    throw new ValidationError('Query parameter cursor is not a cursor this listing returned', { code: 'INVALID_PARAMETER', details: { parameter: 'cursor' } })
  }
  return { type, after }
}

const cursorToQuery = (cursor: LearntCursor): string => Buffer.from(`${cursor.type}\n${cursor.after ?? ''}`, 'utf8').toString('base64url')

/** A bounded page of candidates or publications, each with its route and how old it is. */
function learntListing(store: RemoteFlavourRepository, clock: Clock) {
  return async (c: Context<AppEnv>) => {
    const { type, limit, cursor } = readQuery(c, LISTING_QUERY)
    const page = await listLearnt(store, { limit, ...(type ? { type } : {}), ...(cursor ? { cursor: cursorFromQuery(cursor) } : {}) })
    const now = clock.now()
    return c.json({
      entries: page.entries.map((entry) => ({
        providerID: entry.flavour.owner.id || entry.flavour.providerId,
        flavorID: entry.flavour.id,
        type: entry.flavour.spec.type,
        route: entry.route,
        seenAt: entry.seenAt.toISOString(),
        ageSeconds: Math.max(0, Math.floor((now.getTime() - entry.seenAt.getTime()) / 1000)),
        expiresAt: entry.expiresAt.toISOString(),
        stale: entry.expiresAt <= now,
        ...(entry.learntIn ? { learntIn: { selector: entry.learntIn.selector, at: entry.learntIn.at.toISOString(), results: entry.learntIn.results } } : {}),
        flavor: flavourToWire(entry.flavour),
      })),
      next: page.next ? cursorToQuery(page.next) : null,
    })
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Operator API: publish flavours (until the agent's resource scan does), inspect transactions, contracts and what was learnt. */
export function adminRoutes(deps: AdminDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/admin/v1/flavours', async (c) => {
    const body = await readJson(c)
    const withDefaults = isObject(body)
      ? { owner: identityToWire(deps.self), providerID: deps.self.id, timestamp: formatTimestamp(deps.clock.now()), availability: true, ...body }
      : body
    const flavour = flavourFromWire(withDefaults)
    await publishFlavour(deps.flavours, flavour)
    c.get('logger').info('FLAVOUR_PUBLISHED', { flavourId: flavour.id })
    return c.json(flavourToWire(flavour), 201)
  })
  app.all('/admin/v1/flavours', methodNotAllowed(['POST']))

  app.get('/admin/v1/transactions/:id', async (c) => {
    const id = idParam(c, 'id')
    const tx = await deps.reservations.getTransaction(id)
    if (!tx) throw new NotFoundError('Transaction', id)
    return c.json({ ...transactionToWire(tx), status: tx.status, contractID: tx.contractId ?? null })
  })
  app.all('/admin/v1/transactions/:id', methodNotAllowed(['GET']))

  app.get('/admin/v1/contracts/:id', async (c) => {
    const id = idParam(c, 'id')
    const contract = await deps.contracts.get(id)
    if (!contract) throw new NotFoundError('Contract', id)
    const shown = withoutCredential(contract)
    return c.json({ ...contractToWire(shown.contract), credential: shown.credential, status: contract.status ?? 'active', releasedAt: contract.releasedAt?.toISOString() ?? null })
  })
  app.all('/admin/v1/contracts/:id', methodNotAllowed(['GET']))

  app.get('/admin/v1/candidates', learntListing(deps.candidates, deps.clock))
  app.all('/admin/v1/candidates', methodNotAllowed(['GET']))
  if (deps.published) {
    app.get('/admin/v1/publications', learntListing(deps.published, deps.clock))
    app.all('/admin/v1/publications', methodNotAllowed(['GET']))
  }
  return app
}
