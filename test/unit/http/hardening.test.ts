import { describe, expect, it } from 'vitest'
import { createApp } from '../../../functions/http/create-app.ts'
import { allowedHostsVariable, isJsonContentType, localAllowedHosts } from '../../../functions/http/hardening.ts'
import { aContract, aK8SliceFlavour, aProvider } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

const ADMIN_TOKEN = 'hardening-admin-token-0123'
const FLAVOUR = 'provider.local-k8slice-0001'
const FORMS = [
  ['application/x-www-form-urlencoded', 'flavorID=x&buyerID=y'],
  ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--'],
  ['text/plain', '{"flavorID":"x"}'],
] as const

describe('browser-facing hardening', () => {
  describe('security headers', () => {
    it.each([
      ['a 200', 'GET', '/healthz', undefined, 200],
      ['a 404', 'GET', '/nowhere', undefined, 404],
      ['a 400', 'POST', '/api/v2/reservations', '{"flavorID": ', 400],
      ['a 415', 'POST', '/api/v2/reservations', 'flavorID=x', 415],
    ] as const)('are on %s', async (_label, method, path, body, status) => {
      const { participant } = await setup()

      const res = await participant.app.request(path, { method, ...(body ? { body, headers: { 'Content-Type': status === 415 ? 'application/x-www-form-urlencoded' : 'application/json' } } : {}) })

      expect(res.status).toBe(status)
      expect(Object.fromEntries(res.headers)).toMatchObject({
        'content-security-policy': expect.stringContaining("default-src 'none'"),
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
      })
      expect(res.headers.get('strict-transport-security')).toBeNull()
    })

    it('add HSTS only to a request that came over https', async () => {
      const { participant } = await setup()

      const direct = await participant.app.request('https://api.example/healthz')
      const forwarded = await participant.app.request('/healthz', { headers: { 'X-Forwarded-Proto': 'https' } })
      const plain = await participant.app.request('http://127.0.0.1:30001/healthz')

      expect(direct.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/)
      expect(forwarded.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/)
      expect(plain.headers.get('strict-transport-security')).toBeNull()
    })
  })

  describe('Cache-Control', () => {
    it('is no-store on contracts, transactions, operations, intents, discovery, agent and errors', async () => {
      const { participant } = await setup()
      const contract = aContract()
      participant.store.contracts.set(contract.id, contract)

      const answers = await Promise.all(
        [
          ['GET', `/admin/v1/contracts/${contract.id}`],
          ['GET', '/admin/v1/transactions/unknown-1'],
          ['GET', '/chain/v1/operations/chain-1'],
          ['GET', '/intents/v1'],
          ['GET', '/providers/v1'],
          ['GET', '/discovery/v1/flavors/k8slice'],
          ['GET', '/agent/v1/commands/command-1'],
          ['POST', '/api/v2/transactions/unknown-1/purchase'],
          ['GET', '/nowhere'],
        ].map(async ([method, path = '']) => {
          const res = await participant.app.request(path, { method: method! })
          return { path, status: res.status, cacheControl: res.headers.get('cache-control') }
        }),
      )

      expect(answers.find((a) => a.path.startsWith('/admin/v1/contracts/'))?.status).toBe(200)
      for (const answer of answers) expect(answer, answer.path).toMatchObject({ cacheControl: 'no-store' })
    })

    it('keeps the default on liveness, the OpenAPI document and LIST_FLAVORS', async () => {
      const { participant } = await setup()

      for (const path of ['/healthz', '/openapi.json', '/api/v2/flavors', '/api/v2/flavors/k8slice']) {
        const res = await participant.app.request(path)
        expect(res.status, path).toBe(200)
        expect(res.headers.get('cache-control'), path).toBeNull()
      }
    })
  })

  describe('JSON Content-Type', () => {
    it.each(FORMS)('refuses a %s POST to /api/v2/reservations with 415 and reserves nothing', async (contentType, body) => {
      const { participant } = await setup()

      const res = await participant.app.request('/api/v2/reservations', { method: 'POST', headers: { 'Content-Type': contentType }, body })

      expect(res.status).toBe(415)
      expect(await res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('application/json') })
      expect(participant.store.transactions.size).toBe(0)
      expect(participant.store.keys.size).toBe(0)
    })

    it.each(FORMS)('refuses a %s POST to /chain/v1/operations with 415 and starts nothing', async (contentType, body) => {
      const { participant, candidate } = await setup()
      await participant.candidates.put([candidate()])

      const res = await participant.app.request('/chain/v1/operations', { method: 'POST', headers: { 'Content-Type': contentType }, body })

      expect(res.status).toBe(415)
      expect(await res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' })
      expect(participant.hops.hops.size).toBe(0)
      expect(participant.queued).toEqual([])
    })

    it('refuses a body sent without a Content-Type', async () => {
      const { participant } = await setup()

      const res = await participant.app.request('/api/v2/reservations', { method: 'POST', body: new TextEncoder().encode('{"flavorID":"x"}') })

      expect(res.status).toBe(415)
      expect(participant.store.transactions.size).toBe(0)
    })

    it('lets an empty body through without a Content-Type (purchase, release)', async () => {
      const { participant } = await setup()

      const purchase = await participant.app.request('/api/v2/transactions/unknown-1/purchase', { method: 'POST' })
      const release = await participant.app.request('/chain/v1/operations/chain-1/release', { method: 'POST', headers: { 'Content-Length': '0' } })
      const empty = await participant.app.request('/chain/v1/operations/chain-1/release', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '' })

      expect([purchase.status, release.status, empty.status]).toEqual([404, 404, 404])
    })

    it('lets JSON through with a charset or as a +json type', async () => {
      const { participant } = await setup()

      for (const contentType of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"', 'application/merge-patch+json']) {
        const res = await participant.app.request('/api/v2/reservations', { method: 'POST', headers: { 'Content-Type': contentType }, body: '{}' })
        expect(res.status, contentType).toBe(400)
      }
      expect([isJsonContentType('application/json; charset=latin1'), isJsonContentType('application/jsonx'), isJsonContentType('text/json'), isJsonContentType(undefined)]).toEqual([false, false, false, false])
    })
  })

  describe('Host', () => {
    it('answers 421 to a Host not in ALLOWED_HOSTS, before anything is written', async () => {
      const { participant, guarded } = await setup()

      const health = await guarded.request('/healthz', { headers: { Host: 'rebound.attacker.example:30001' } })
      const reserve = await guarded.request('/api/v2/reservations', { method: 'POST', headers: { Host: 'rebound.attacker.example', 'Content-Type': 'application/json' }, body: '{}' })
      const otherPort = await guarded.request('/healthz', { headers: { Host: '127.0.0.1:30002' } })

      expect([health.status, reserve.status, otherPort.status]).toEqual([421, 421, 421])
      expect(await health.json()).toMatchObject({ code: 'MISDIRECTED_REQUEST' })
      expect(health.headers.get('x-content-type-options')).toBe('nosniff')
      expect(participant.store.transactions.size).toBe(0)
    })

    it('passes a listed Host, and any port of an entry without one', async () => {
      const { guarded, participant } = await setup()

      for (const host of ['127.0.0.1:30001', 'LOCALHOST:30001', 'localhost:4444', '[::1]:30001']) expect((await guarded.request('/healthz', { headers: { Host: host } })).status, host).toBe(200)
      expect((await participant.app.request('/healthz', { headers: { Host: 'anything.example' } })).status).toBe(200)
    })

    it('reads ALLOWED_HOSTS as a list of host[:port], and names the local federation’s own', () => {
      expect(allowedHostsVariable.parse(' 127.0.0.1:30000, Localhost:30000 ,[::1]:30000,')).toEqual(['127.0.0.1:30000', 'localhost:30000', '[::1]:30000'])
      expect(allowedHostsVariable.parse(undefined)).toBeUndefined()
      expect(allowedHostsVariable.parse('')).toBeUndefined()
      expect(allowedHostsVariable.safeParse('http://127.0.0.1:30000').error?.issues[0]?.message).toContain('host[:port]')
      expect(localAllowedHosts('127.0.0.1', 30000).split(',')).toEqual(['127.0.0.1:30000', 'localhost:30000', '[::1]:30000'])
      expect(localAllowedHosts('0.0.0.0', 30000).split(',')).toEqual(expect.arrayContaining(['0.0.0.0:30000', 'localhost:30000', '127.0.0.1:30000']))
    })
  })

  describe('operator credentials', () => {
    it.each([
      ['POST', '/chain/v1/operations'],
      ['GET', '/chain/v1/operations/chain-1'],
      ['POST', '/chain/v1/operations/chain-1/release'],
      ['PUT', '/chain/v1/operations/chain-1/workloads/web'],
      ['GET', '/discovery/v1/flavors/k8slice'],
      ['GET', '/intents/v1'],
      ['GET', '/intents/v1/intent-1'],
      ['POST', '/intents/v1/intent-1/rating'],
      ['GET', '/providers/v1'],
      ['GET', '/providers/v1/provider-node'],
      ['GET', '/admin/v1/peers'],
    ])('%s %s answers 401 without the admin token when ADMIN_TOKEN is set', async (method, path) => {
      const { secured } = await setup()

      const refused = await secured.request(method, path, method === 'GET' ? undefined : {})
      const wrong = await secured.request(method, path, method === 'GET' ? undefined : {}, { Authorization: 'Bearer not-the-token-at-all' })
      const allowed = await secured.request(method, path, method === 'GET' ? undefined : {}, { Authorization: `Bearer ${ADMIN_TOKEN}` })

      expect([refused.status, refused.body.code, wrong.status]).toEqual([401, 'UNAUTHORIZED', 401])
      expect(allowed.status).not.toBe(401)
      expect(refused.headers.get('cache-control')).toBe('no-store')
    })

    it('leaves the signed intent submission to its webhook signature', async () => {
      const { secured } = await setup()

      const res = await secured.request('POST', '/intents/v1', {})

      expect(res.body.code).not.toBe('UNAUTHORIZED')
    })

    it('guards exactly the operations the OpenAPI document declares with the admin token', async () => {
      const { secured } = await setup()
      const document = (await secured.request('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { security?: { adminToken?: unknown }[] }>> }

      for (const [template, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const path = template.replace('{type}', 'k8slice').replace(/\{[^}]+\}/g, 'x-1')
          const res = await secured.request(method.toUpperCase(), path, method === 'get' || method === 'delete' ? undefined : {})
          const declared = operation.security?.some((s) => 'adminToken' in s) ?? false
          expect(res.status === 401 && res.body.code === 'UNAUTHORIZED', `${method} ${template}`).toBe(declared)
        }
      }
    })

    it('stays open without ADMIN_TOKEN (local mode)', async () => {
      const { participant } = await setup()

      expect((await participant.request('GET', '/chain/v1/operations/chain-1')).status).toBe(404)
      expect((await participant.request('GET', '/providers/v1')).status).toBe(200)
    })
  })

  async function setup() {
    const flavour = aK8SliceFlavour({ id: FLAVOUR })
    const participant = await createInMemoryParticipant({ flavours: [flavour] })
    const secured = await createInMemoryParticipant({ env: { ADMIN_TOKEN }, flavours: [flavour] })
    const guarded = createApp({ ...participant.participant.app, allowedHosts: ['127.0.0.1:30001', 'localhost', '[::1]:30001'] })
    const remote = aK8SliceFlavour({ id: 'provider.local-k8slice-0002', owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })
    const candidate = () => ({ flavour: remote, route: ['provider-node'], seenAt: participant.clock.now(), expiresAt: new Date(participant.clock.now().getTime() + 300_000) })
    return { participant, secured, guarded, candidate }
  }
})
