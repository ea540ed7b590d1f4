import { describe, expect, it } from 'vitest'
import type { Flavour } from '../../../core/flavours/model.ts'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { aK8SliceFlavour, aServiceFlavour } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

const LONG_ID = 'x'.repeat(3000)

const buyer = { ID: 'consumer-1', IP: '127.0.0.1:30000', domain: 'consumer.local', additionalInformation: { liqoID: 'liqo-consumer-1' } }

const reserveBody = (overrides: Record<string, unknown> = {}) => ({
  flavorID: 'provider.local-k8slice-0001',
  buyerID: buyer,
  configuration: { type: 'k8slice', data: { cpu: '2', memory: '4Gi', pods: '10' } },
  ...overrides,
})

const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { next: nested(depth - 1) })

describe('bad input', () => {
  describe('ids', () => {
    it.each([
      ['a long id to purchase', 'POST', `/api/v2/transactions/${LONG_ID}/purchase`],
      ['a long transaction id', 'GET', `/admin/v1/transactions/${LONG_ID}`],
      ['a long contract id', 'GET', `/admin/v1/contracts/${LONG_ID}`],
      ['a long operation id', 'GET', `/chain/v1/operations/${LONG_ID}`],
      ['a long operation id to purchase', 'POST', `/chain/v1/operations/${LONG_ID}/purchase`],
      ['a key separator', 'GET', '/admin/v1/transactions/tx%230001'],
      ['an encoded slash', 'GET', '/chain/v1/operations/..%2Fchain-1'],
      ['a control character', 'GET', '/admin/v1/contracts/contract%00-1'],
    ])('answers 400 naming the path parameter for %s', async (_what, method, path) => {
      const { request } = await setup()
      const res = await request(method, path, method === 'POST' ? {} : undefined)
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ code: 'INVALID_PATH_PARAMETER', details: { parameter: 'id' } })
      expect(res.body.message.length).toBeLessThan(300)
    })

    it.each([
      ['flavorID', reserveBody({ flavorID: LONG_ID })],
      ['buyerID.ID', reserveBody({ buyerID: { ...buyer, ID: LONG_ID } })],
      ['flavorID', reserveBody({ flavorID: 'provider.local k8slice' })],
      ['flavorID', reserveBody({ flavorID: 'a#b' })],
    ])('refuses a reservation whose %s is not an id', async (field, body) => {
      const { request, store } = await setup()
      const res = await request('POST', '/api/v2/reservations', body)
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toBe(field)
      expect(store.transactions.size).toBe(0)
    })

    it('refuses an operation whose flavorID is longer than an id may be', async () => {
      const { request, hops } = await setup()
      const res = await request('POST', '/chain/v1/operations', { flavorID: LONG_ID, providerID: 'provider-node' })
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toBe('flavorID')
      expect(await hops.get('chain-1')).toBeUndefined()
    })

    it('refuses to publish a flavour whose flavorID is longer than an id may be', async () => {
      const { request, store } = await setup()
      const res = await request('POST', '/admin/v1/flavours', { ...flavourToWire(aK8SliceFlavour()), flavorID: LONG_ID })
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toBe('flavorID')
      expect(store.flavours.size).toBe(2)
    })
  })

  describe('strings and nesting', () => {
    it('refuses a service configurationData nested deeper than the bound, naming the field', async () => {
      const { request, store } = await setup()
      const res = await request('POST', '/api/v2/reservations', reserveBody({
        flavorID: 'provider.local-service-0001',
        configuration: { type: 'service', data: { configurationData: nested(40) } },
      }))
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toMatch(/^configuration\.data\.configurationData\.next\.next/)
      expect(store.transactions.size).toBe(0)
    })

    it('refuses a string longer than the text bound, naming the field', async () => {
      const { request } = await setup()
      const res = await request('POST', '/api/v2/reservations', reserveBody({ buyerID: { ...buyer, domain: 'd'.repeat(100_000) } }))
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toBe('buyerID.domain')
      expect(res.text.length).toBeLessThan(2_000)
    })

    it('does not echo a huge malformed quantity back', async () => {
      const { request } = await setup()
      const res = await request('POST', '/api/v2/reservations', reserveBody({ configuration: { type: 'k8slice', data: { cpu: '9'.repeat(100_000), memory: '4Gi', pods: '10' } } }))
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toBe('configuration.data.cpu')
      expect(res.text.length).toBeLessThan(2_000)
    })

    it.each([
      ['a number DynamoDB cannot hold', { n: 1e200 }],
      ['an unsafe integer', { n: 2 ** 60 }],
      ['a number too small for DynamoDB', { n: 1e-200 }],
    ])('refuses configurationData with %s', async (_what, configurationData) => {
      const { request, store } = await setup()
      const res = await request('POST', '/api/v2/reservations', reserveBody({
        flavorID: 'provider.local-service-0001',
        configuration: { type: 'service', data: { configurationData } },
      }))
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toBe('configuration.data.configurationData.n')
      expect(store.transactions.size).toBe(0)
    })
  })

  describe('quantities', () => {
    it.each(['cpuStep', 'memoryStep', 'podsStep'])('refuses to publish a flavour with a negative %s', async (step) => {
      const { request, store } = await setup({ flavours: [] })
      const wire = flavourToWire(aK8SliceFlavour())
      wire.type.data = { ...wire.type.data, policies: { partitionability: { ...partitionability(wire), [step]: '-1' } } } as typeof wire.type.data
      const res = await request('POST', '/admin/v1/flavours', wire)
      expect(res.status).toBe(400)
      expect(res.body.message).toContain(step)
      expect(store.flavours.size).toBe(0)
    })

    it('refuses to publish a flavour with a zero step', async () => {
      const { request, store } = await setup({ flavours: [] })
      const wire = flavourToWire(aK8SliceFlavour())
      wire.type.data = { ...wire.type.data, policies: { partitionability: { ...partitionability(wire), cpuStep: '0' } } } as typeof wire.type.data
      const res = await request('POST', '/admin/v1/flavours', wire)
      expect(res.status).toBe(400)
      expect(res.body.message).toContain('cpuStep')
      expect(store.flavours.size).toBe(0)
    })

    it.each([
      ['storage', { cpu: '2', memory: '4Gi', pods: '10', storage: '-1Gi' }],
      ['gpu.memory', { cpu: '2', memory: '4Gi', pods: '10', gpu: { model: 'a100', cores: '1', memory: '-1Gi' } }],
    ])('refuses a configuration with a negative %s', async (field, data) => {
      const { request, store } = await setup({ flavours: [aK8SliceFlavour({ storage: '100Gi', gpu: { model: 'a100', cores: '2', memory: '40Gi' } })] })
      const res = await request('POST', '/api/v2/reservations', reserveBody({ configuration: { type: 'k8slice', data } }))
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toBe(`configuration.data.${field}`)
      expect(store.transactions.size).toBe(0)
    })

    it('refuses a negative selector bound, naming the parameter', async () => {
      const { request } = await setup()
      const res = await request('GET', '/api/v2/flavors/k8slice?filter[cpu][range][min]=-1')
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ code: 'INVALID_SELECTOR', details: { parameter: 'filter[cpu][range][min]' } })
    })
  })

  describe('prototype keys', () => {
    it('refuses __proto__ in a configuration, which would otherwise stand in for its fields', async () => {
      const { request, store } = await setup()
      const body = `{"flavorID":"provider.local-k8slice-0001","buyerID":${JSON.stringify(buyer)},"configuration":{"type":"k8slice","data":{"__proto__":{"cpu":"2","memory":"4Gi","pods":"10"}}}}`
      const res = await request('POST', '/api/v2/reservations', body)
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toBe('configuration.data.__proto__')
      expect(store.transactions.size).toBe(0)
    })

    it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key in free-form configuration data', async (key) => {
      const { request, store } = await setup()
      const body = `{"flavorID":"provider.local-service-0001","buyerID":${JSON.stringify(buyer)},"configuration":{"type":"service","data":{"configurationData":{"a":{"${key}":{"polluted":true}}}}}}`
      const res = await request('POST', '/api/v2/reservations', body)
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toBe(`configuration.data.configurationData.a.${key}`)
      expect(store.transactions.size).toBe(0)
    })

    it('refuses __proto__ at the top of a published flavour', async () => {
      const { request, store } = await setup({ flavours: [] })
      const res = await request('POST', '/admin/v1/flavours', `{"__proto__":${JSON.stringify(flavourToWire(aK8SliceFlavour()))}}`)
      expect(res.status).toBe(400)
      expect(res.body.details.issues[0].path).toBe('__proto__')
      expect(store.flavours.size).toBe(0)
    })
  })

  const partitionability = (wire: ReturnType<typeof flavourToWire>) =>
    (wire.type.data as { policies: { partitionability: Record<string, string> } }).policies.partitionability

  async function setup(input: { flavours?: Flavour[] } = {}) {
    return createInMemoryParticipant({ flavours: input.flavours ?? [aK8SliceFlavour(), aServiceFlavour()] })
  }
})
