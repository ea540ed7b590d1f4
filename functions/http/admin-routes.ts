import { OpenAPIHono, z } from '@hono/zod-openapi'
import { NotFoundError } from '../../core/shared/errors.ts'
import type { Clock } from '../../core/shared/ports.ts'
import type { NodeIdentity } from '../../core/flavours/model.ts'
import type { FlavourRepository } from '../../core/flavours/ports.ts'
import { publishFlavour } from '../../core/flavours/publish-flavour.ts'
import type { ContractRepository } from '../../core/contracts/ports.ts'
import type { ReservationRepository } from '../../core/reservations/ports.ts'
import { flavourFromWire, flavourToWire, flavourWire } from '../../core/wire/flavour-codec.ts'
import { identityToWire } from '../../core/wire/identity-codec.ts'
import { contractToWire, contractWire } from '../../core/wire/contract-codec.ts'
import { transactionToWire } from '../../core/wire/reservation-codec.ts'
import { formatTimestamp } from '../../core/wire/wire-object.ts'
import type { AppEnv } from './env.ts'
import { errorSchema } from './provider-docs.ts'
import { methodNotAllowed, readJson } from './middleware.ts'

export interface AdminDeps {
  self: NodeIdentity
  clock: Clock
  flavours: FlavourRepository
  reservations: ReservationRepository
  contracts: ContractRepository
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Operator API: publish flavours (until the agent's resource scan does), inspect transactions and contracts. */
export function adminRoutes(deps: AdminDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>()
  const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } })

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/admin/v1/flavours',
    summary: 'Publish a flavour in FLUIDOS wire form (owner, providerID and timestamp default to this participant and now)',
    request: { body: json(flavourWire, 'Flavour') },
    responses: { 201: json(flavourWire, 'Published (idempotent per flavorID)'), 400: json(errorSchema, 'Invalid flavour') },
  })
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

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/admin/v1/transactions/{id}',
    summary: 'A transaction with its state (the buyer kubeconfig is never shown)',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'Transaction and status' }, 404: json(errorSchema, 'Unknown transaction') },
  })
  app.get('/admin/v1/transactions/:id', async (c) => {
    const tx = await deps.reservations.getTransaction(c.req.param('id'))
    if (!tx) throw new NotFoundError('Transaction', c.req.param('id'))
    return c.json({ ...transactionToWire(tx), status: tx.status, contractID: tx.contractId ?? null })
  })
  app.all('/admin/v1/transactions/:id', methodNotAllowed(['GET']))

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/admin/v1/contracts/{id}',
    summary: 'A contract this participant holds',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: json(contractWire, 'Contract'), 404: json(errorSchema, 'Unknown contract') },
  })
  app.get('/admin/v1/contracts/:id', async (c) => {
    const contract = await deps.contracts.get(c.req.param('id'))
    if (!contract) throw new NotFoundError('Contract', c.req.param('id'))
    return c.json(contractToWire(contract))
  })
  app.all('/admin/v1/contracts/:id', methodNotAllowed(['GET']))
  return app
}
