import { describe, expect, it } from 'vitest'
import type { Flavour } from '../../../core/flavours/model.ts'
import { aK8SliceFlavour, aServiceFlavour } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

const reserveBody = (overrides: { flavourId?: string } = {}) => ({
  flavorID: overrides.flavourId ?? 'provider.local-k8slice-0001',
  buyerID: { ID: 'consumer-1', IP: '127.0.0.1:30000', domain: 'consumer.local', additionalInformation: { liqoID: 'liqo-consumer-1' } },
  configuration: { type: 'k8slice', data: { cpu: '2', memory: '4Gi', pods: '10' } },
})

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

  async function setup(input: { flavours?: Flavour[] } = {}) {
    return createInMemoryParticipant({ flavours: input.flavours ?? [aK8SliceFlavour(), aServiceFlavour()] })
  }
})
