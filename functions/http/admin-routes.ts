import { Hono } from 'hono'
import { NotFoundError } from '../../core/shared/errors.ts'
import type { Clock } from '../../core/shared/ports.ts'
import type { NodeIdentity } from '../../core/flavours/model.ts'
import type { FlavourRepository } from '../../core/flavours/ports.ts'
import { publishFlavour } from '../../core/flavours/publish-flavour.ts'
import type { ContractRepository } from '../../core/contracts/ports.ts'
import type { ReservationRepository } from '../../core/reservations/ports.ts'
import { flavourFromWire, flavourToWire } from '../../core/wire/flavour-codec.ts'
import { identityToWire } from '../../core/wire/identity-codec.ts'
import { contractToWire } from '../../core/wire/contract-codec.ts'
import { transactionToWire } from '../../core/wire/reservation-codec.ts'
import { formatTimestamp } from '../../core/wire/wire-object.ts'
import type { AppEnv } from './env.ts'
import { idParam, methodNotAllowed, readJson } from './middleware.ts'

export interface AdminDeps {
  self: NodeIdentity
  clock: Clock
  flavours: FlavourRepository
  reservations: ReservationRepository
  contracts: ContractRepository
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Operator API: publish flavours (until the agent's resource scan does), inspect transactions and contracts. */
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
    return c.json(contractToWire(contract))
  })
  app.all('/admin/v1/contracts/:id', methodNotAllowed(['GET']))
  return app
}
