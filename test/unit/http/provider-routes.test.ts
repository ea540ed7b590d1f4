import { describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import type { Flavour } from '../../../core/flavours/model.ts'
import type { AppEnv } from '../../../functions/http/env.ts'
import { onError } from '../../../functions/http/error-handler.ts'
import { correlation } from '../../../functions/http/middleware.ts'
import { providerRoutes } from '../../../functions/http/provider-routes.ts'
import { aK8SliceFlavour, aServiceFlavour } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

type Caller = NonNullable<AppEnv['Variables']['caller']>

const reserveBody = (overrides: { flavourId?: string; buyer?: string; cpu?: string; whole?: boolean } = {}) => ({
  flavorID: overrides.flavourId ?? 'provider.local-k8slice-0001',
  buyerID: {
    ID: overrides.buyer ?? 'consumer-1',
    IP: '127.0.0.1:30000',
    domain: 'consumer.local',
    additionalInformation: { liqoID: `liqo-${overrides.buyer ?? 'consumer-1'}` },
  },
  ...(overrides.whole ? {} : { configuration: { type: 'k8slice', data: { cpu: overrides.cpu ?? '2', memory: '4Gi', pods: '10' } } }),
})

const peer = (id: string): Caller => ({ kind: 'peer', id, keyId: `${id}#k1` })

describe('provider routes', () => {
  it('lists every available flavour in its wire form', async () => {
    const { request } = await setup()
    const listed = await request('GET', '/api/v2/flavors')
    expect(listed.status).toBe(200)
    expect(listed.body.map((f: { flavorID: string }) => f.flavorID)).toEqual(['provider.local-k8slice-0001', 'provider.local-service-0001'])
  })

  it('answers 204 with no body when nothing is available', async () => {
    const { request } = await setup({ flavours: [] })
    const listed = await request('GET', '/api/v2/flavors')
    expect(listed.status).toBe(204)
    expect(listed.text).toBe('')
  })

  it('lists only the flavours a selector matches', async () => {
    const { request } = await setup({ flavours: [aK8SliceFlavour(), aK8SliceFlavour({ id: 'provider.local-k8slice-0002', cpu: '2', memory: '4Gi' })] })
    const listed = await request('GET', '/api/v2/flavors/k8slice?filter[cpu][range][min]=4')
    expect(listed.status).toBe(200)
    expect(listed.body.map((f: { flavorID: string }) => f.flavorID)).toEqual(['provider.local-k8slice-0001'])
  })

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    const { request } = await setup()
    const reserved = await request('POST', '/api/v2/reservations', '{"flavorID": ')
    expect(reserved.status).toBe(400)
    expect(reserved.body.code).toBe('MALFORMED_JSON')
  })

  it('answers 400 naming the parameter of a bad selector', async () => {
    const { request } = await setup()
    const listed = await request('GET', '/api/v2/flavors/k8slice?filter[cpu][match]=two')
    expect(listed.status).toBe(400)
    expect(listed.body).toMatchObject({ code: 'INVALID_SELECTOR', details: { parameter: 'filter[cpu][match]' } })
  })

  it('answers 404 when reserving an unknown flavour', async () => {
    const { request } = await setup()
    const reserved = await request('POST', '/api/v2/reservations', reserveBody({ flavourId: 'provider.local-k8slice-none' }))
    expect(reserved.status).toBe(404)
    expect(reserved.body.code).toBe('FLAVOUR_NOT_FOUND')
  })

  it('reserves and purchases with sequential ids on the fake clock', async () => {
    const { request, store } = await setup()
    const reserved = await request('POST', '/api/v2/reservations', reserveBody())
    expect(reserved.status).toBe(200)
    expect(reserved.body).toMatchObject({ transactionID: `${'1'.padStart(32, '0')}-1767225600000000000`, expirationTime: '2026-01-01T01:00:00Z' })
    const purchased = await request('POST', `/api/v2/transactions/${reserved.body.transactionID}/purchase`, {})
    expect(purchased.status).toBe(200)
    expect(store.contracts.size).toBe(1)
  })

  describe('reservation takeover', () => {
    it('refuses another configuration under the victim buyer id with 409 naming the live transaction, and leaves it as it was', async () => {
      const { request, store } = await setup()
      const victim = await request('POST', '/api/v2/reservations', reserveBody({ buyer: 'victim-node', cpu: '2' }))
      const takeover = await request('POST', '/api/v2/reservations', reserveBody({ buyer: 'victim-node', cpu: '8' }))
      expect(takeover.status).toBe(409)
      expect(takeover.body).toMatchObject({ code: 'RESERVATION_EXISTS', details: { transactionId: victim.body.transactionID } })
      expect(store.transactions.get(victim.body.transactionID)?.hold.cpu).toBe(2e9)
    })

    it('answers the same transaction to the same configuration again', async () => {
      const { request } = await setup()
      const first = await request('POST', '/api/v2/reservations', reserveBody())
      const again = await request('POST', '/api/v2/reservations', reserveBody())
      expect(again.status).toBe(200)
      expect(again.body.transactionID).toBe(first.body.transactionID)
    })

    it('refuses a signed peer that names another buyer with 403 BUYER_NOT_SIGNER', async () => {
      const { request, store } = await setupAs(peer('attacker-node'))
      const reserved = await request('POST', '/api/v2/reservations', reserveBody({ buyer: 'victim-node' }))
      expect(reserved.status).toBe(403)
      expect(reserved.body.code).toBe('BUYER_NOT_SIGNER')
      expect(store.transactions.size).toBe(0)
    })

    it('lets only the buyer purchase: another signer gets 403 NOT_YOUR_TRANSACTION and no contract', async () => {
      const victim = await setupAs(peer('victim-node'))
      const reserved = await victim.request('POST', '/api/v2/reservations', reserveBody({ buyer: 'victim-node' }))
      expect(reserved.status).toBe(200)
      const attacker = victim.as(peer('attacker-node'))
      const stolen = await attacker('POST', `/api/v2/transactions/${reserved.body.transactionID}/purchase`, {})
      expect(stolen.status).toBe(403)
      expect(stolen.body.code).toBe('NOT_YOUR_TRANSACTION')
      expect(stolen.text).not.toContain('kubeconfig')
      expect(victim.store.contracts.size).toBe(0)
      const bought = await victim.request('POST', `/api/v2/transactions/${reserved.body.transactionID}/purchase`, {})
      expect(bought.status).toBe(200)
    })

    it('serves unsigned callers (Go peers, local curl) with the body buyer as before', async () => {
      const { request } = await setupAs({ kind: 'unsigned', reason: 'legacy-peer', id: 'go-node' })
      const reserved = await request('POST', '/api/v2/reservations', reserveBody({ buyer: 'anyone' }))
      expect(reserved.status).toBe(200)
      const bought = await request('POST', `/api/v2/transactions/${reserved.body.transactionID}/purchase`, {})
      expect(bought.status).toBe(200)
    })
  })

  describe('cancel', () => {
    it('releases a reserved hold: 200 with the transaction as released, the pool whole again, and again 200', async () => {
      const { request, store } = await setup()
      const reserved = await request('POST', '/api/v2/reservations', reserveBody({ whole: true }))
      expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(0)
      const cancelled = await request('DELETE', `/api/v2/transactions/${reserved.body.transactionID}`)
      expect(cancelled.status).toBe(200)
      expect(cancelled.body).toMatchObject({ transactionID: reserved.body.transactionID, status: 'released' })
      expect(store.pools.get('provider.local-k8slice-0001')?.free.cpu).toBe(8e9)
      const again = await request('DELETE', `/api/v2/transactions/${reserved.body.transactionID}`)
      expect(again.status).toBe(200)
      expect(again.body.status).toBe('released')
    })

    it('refuses a purchased transaction with 409 and an unknown one with 404', async () => {
      const { request } = await setup()
      const reserved = await request('POST', '/api/v2/reservations', reserveBody())
      await request('POST', `/api/v2/transactions/${reserved.body.transactionID}/purchase`, {})
      const purchased = await request('DELETE', `/api/v2/transactions/${reserved.body.transactionID}`)
      expect(purchased.status).toBe(409)
      expect(purchased.body.code).toBe('TRANSACTION_PURCHASED')
      expect((await request('DELETE', '/api/v2/transactions/unknown-tx')).status).toBe(404)
    })

    it('lets only the buyer cancel', async () => {
      const victim = await setupAs(peer('victim-node'))
      const reserved = await victim.request('POST', '/api/v2/reservations', reserveBody({ buyer: 'victim-node' }))
      const refused = await victim.as(peer('attacker-node'))('DELETE', `/api/v2/transactions/${reserved.body.transactionID}`)
      expect(refused.status).toBe(403)
      expect(refused.body.code).toBe('NOT_YOUR_TRANSACTION')
      expect(victim.store.transactions.get(reserved.body.transactionID)?.status).toBe('reserved')
    })

    it('answers 405 naming DELETE for other methods', async () => {
      const { request } = await setup()
      const wrong = await request('GET', '/api/v2/transactions/tx-1')
      expect(wrong.status).toBe(405)
      expect(wrong.headers.get('Allow')).toBe('DELETE')
    })
  })

  describe('anyone can hold all capacity', () => {
    it('no longer lists a flavour held whole as available', async () => {
      const { request } = await setup()
      await request('POST', '/api/v2/reservations', reserveBody({ whole: true }))
      const listed = await request('GET', '/api/v2/flavors')
      expect(listed.body.map((f: { flavorID: string }) => f.flavorID)).toEqual(['provider.local-service-0001'])
      const selected = await request('GET', '/api/v2/flavors/k8slice')
      expect(selected.body).toEqual([])
    })

    it('lists a partly held flavour reduced to what is free', async () => {
      const { request } = await setup()
      await request('POST', '/api/v2/reservations', reserveBody({ cpu: '2' }))
      const listed = await request('GET', '/api/v2/flavors/k8slice')
      expect(listed.body[0].type.data.charateristics).toMatchObject({ cpu: '6', memory: '12Gi', pods: '100' })
    })

    it('stops one buyer at its cap with 429 TOO_MANY_HOLDS and Retry-After until its earliest hold expires', async () => {
      const flavours = [1, 2, 3, 4, 5, 6].map((n) => aK8SliceFlavour({ id: `provider.local-k8slice-000${n}` }))
      const { request, clock } = await setup({ flavours })
      for (let n = 1; n <= 5; n++) {
        expect((await request('POST', '/api/v2/reservations', reserveBody({ flavourId: `provider.local-k8slice-000${n}`, whole: true }))).status).toBe(200)
      }
      clock.advance(10 * 60_000)
      const sixth = await request('POST', '/api/v2/reservations', reserveBody({ flavourId: 'provider.local-k8slice-0006', whole: true }))
      expect(sixth.status).toBe(429)
      expect(sixth.body).toMatchObject({ code: 'TOO_MANY_HOLDS', details: { maxHolds: 5 } })
      expect(sixth.headers.get('Retry-After')).toBe(String(50 * 60))
      expect((await request('GET', '/api/v2/flavors/k8slice')).body.map((f: { flavorID: string }) => f.flavorID)).toEqual(['provider.local-k8slice-0006'])
    })
  })

  async function setup(input: { flavours?: Flavour[] } = {}) {
    return createInMemoryParticipant({ flavours: input.flavours ?? [aK8SliceFlavour(), aServiceFlavour()] })
  }

  /** The provider routes behind a stand-in for the signature middleware that sets `caller`. */
  async function setupAs(caller: Caller, input: { flavours?: Flavour[] } = {}) {
    const participant = await setup(input)
    const as = (who: Caller) => {
      const app = new Hono<AppEnv>()
      app.use('*', correlation(participant.logger, 'provider-1'))
      app.use('*', async (c, next) => {
        c.set('caller', who)
        await next()
      })
      app.onError(onError)
      app.route('/', providerRoutes(participant.participant.app.provider))
      return async (method: string, path: string, body?: unknown) => {
        const res = await app.request(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }) })
        const text = await res.text()
        return { status: res.status, text, body: text ? JSON.parse(text) : undefined }
      }
    }
    return { ...participant, request: as(caller), as }
  }
})
