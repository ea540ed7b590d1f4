import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { Caller } from '../../../core/security/authorize.ts'
import type { AuditLog } from '../../../core/security/audit.ts'
import { UnauthorizedError, ValidationError } from '../../../core/shared/errors.ts'
import { auditRoutes, auditTrail } from '../../../functions/http/audit-routes.ts'
import type { AppEnv } from '../../../functions/http/env.ts'
import { onError } from '../../../functions/http/error-handler.ts'
import { correlation } from '../../../functions/http/middleware.ts'
import { registerAuditDocs } from '../../../functions/http/openapi/audit-docs.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { InMemoryAuditLog } from '../../support/in-memory-audit-log.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'

const PEER: Caller = { kind: 'peer', id: 'consumer-node', keyId: 'consumer-node#k1' }

describe('audit trail', () => {
  describe('auditTrail middleware', () => {
    it('records a state-changing call with its caller, path, correlation id, status and duration, never its body or query', async () => {
      const { request, audit, clock } = setup()
      const res = await request('POST', '/rear/v1/things?secret=1', { kubeconfig: 'c2VjcmV0' }, { 'X-Correlation-Id': 'corr-1' })
      expect(res.status).toBe(201)
      expect(audit.entries).toEqual([
        { id: 'audit-1', at: clock.now(), caller: PEER, method: 'POST', path: '/rear/v1/things', correlationId: 'corr-1', status: 201, durationMs: expect.any(Number) },
      ])
      expect(JSON.stringify(audit.entries)).not.toContain('c2VjcmV0')
      expect(JSON.stringify(audit.entries)).not.toContain('secret')
    })

    it.each(['PUT', 'PATCH', 'DELETE'])('records %s', async (method) => {
      const { request, audit } = setup()
      await request(method, '/rear/v1/things')
      expect(audit.entries.map((e) => e.method)).toEqual([method])
    })

    it('records no GET', async () => {
      const { request, audit } = setup()
      expect((await request('GET', '/rear/v1/things')).status).toBe(200)
      expect(audit.entries).toEqual([])
    })

    it('records a refusal by the handler with its status', async () => {
      const { request, audit } = setup()
      expect((await request('POST', '/rear/v1/invalid')).status).toBe(400)
      expect(audit.entries).toEqual([expect.objectContaining({ path: '/rear/v1/invalid', status: 400, caller: PEER })])
    })

    it('records a call the signature check refused, with no caller', async () => {
      const { request, audit } = setup()
      expect((await request('DELETE', '/rear/v1/refused')).status).toBe(401)
      expect(audit.entries).toEqual([expect.objectContaining({ path: '/rear/v1/refused', status: 401, caller: { kind: 'none' } })])
    })

    it('records a call to no route, and one that failed unexpectedly', async () => {
      const { request, audit } = setup()
      expect((await request('POST', '/nowhere')).status).toBe(404)
      expect((await request('POST', '/rear/v1/broken')).status).toBe(500)
      expect(audit.entries.map((e) => [e.path, e.status])).toEqual([
        ['/nowhere', 404],
        ['/rear/v1/broken', 500],
      ])
    })

    it('answers as usual when the trail cannot be written, logging AUDIT_RECORD_FAILED', async () => {
      const failing: AuditLog = { record: async () => Promise.reject(new Error('table gone')), list: async () => ({ entries: [] }) }
      const { request, logger } = setup(failing)
      expect((await request('POST', '/rear/v1/things')).status).toBe(201)
      expect(logger.named('AUDIT_RECORD_FAILED')).toEqual([expect.objectContaining({ level: 'error', fields: expect.objectContaining({ path: '/rear/v1/things', status: 201 }) })])
    })
  })

  describe('GET /admin/v1/audit', () => {
    it("lists today's entries oldest first, a page at a time", async () => {
      const { request, clock } = setup()
      for (const path of ['/rear/v1/things', '/rear/v1/invalid', '/rear/v1/things']) {
        await request('POST', path)
        clock.advance(1000)
      }
      const first = await request('GET', '/admin/v1/audit?limit=2')
      expect(first.body).toMatchObject({ day: '2026-01-01', entries: [{ path: '/rear/v1/things', status: 201 }, { path: '/rear/v1/invalid', status: 400 }] })
      const rest = await request('GET', `/admin/v1/audit?limit=2&cursor=${first.body.next}`)
      expect(rest.body).toMatchObject({ entries: [{ path: '/rear/v1/things', at: '2026-01-01T00:00:02.000Z' }], next: null })
    })

    it('lists another day, and one caller only', async () => {
      const { request, audit, clock } = setup()
      await request('POST', '/rear/v1/things')
      await request('DELETE', '/rear/v1/refused')
      clock.advance(86_400_000)
      expect((await request('GET', '/admin/v1/audit')).body).toEqual({ day: '2026-01-02', entries: [], next: null })
      const mine = await request('GET', '/admin/v1/audit?day=2026-01-01&caller=consumer-node')
      expect(mine.body.entries).toEqual([expect.objectContaining({ method: 'POST', caller: PEER })])
      expect(audit.entries).toHaveLength(2)
    })

    it.each(['day=2026-13-01', 'day=yesterday', 'limit=0', 'limit=501', 'caller=a%2Fb', 'cursor=bm90LWEtY3Vyc29y', 'other=1'])('refuses %s with 400', async (query) => {
      const { request } = setup()
      const res = await request('GET', `/admin/v1/audit?${query}`)
      expect(res.status).toBe(400)
      expect(res.body.code).toBe('INVALID_PARAMETER')
    })

    it('is documented', () => {
      const registry = new OpenAPIRegistry()
      registerAuditDocs(registry)
      const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info: { title: 't', version: '0' } })
      expect(Object.keys(document.paths?.['/admin/v1/audit'] ?? {})).toEqual(['get'])
    })
  })

  function setup(log?: AuditLog) {
    const audit = new InMemoryAuditLog()
    const clock = new FakeClock(new Date('2026-01-01T00:00:00Z'))
    const logger = new RecordingLogger()
    let n = 0
    const app = new Hono<AppEnv>()
    app.use('*', correlation(logger, 'provider-1'))
    app.use('*', auditTrail(log ?? audit, clock, () => `audit-${++n}`))
    app.use('/rear/*', async (c, next) => {
      if (c.req.path === '/rear/v1/refused') throw new UnauthorizedError('A signature is required', { code: 'SIGNATURE_MISSING' })
      c.set('caller', PEER)
      await next()
    })
    app.onError(onError)
    app.notFound((c) => c.json({ code: 'ROUTE_NOT_FOUND' }, 404))
    app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/rear/v1/things', (c) => c.json({ ok: true }, 201))
    app.get('/rear/v1/things', (c) => c.json({ ok: true }))
    app.post('/rear/v1/invalid', () => {
      throw new ValidationError('no', { code: 'INVALID_BODY' })
    })
    app.post('/rear/v1/broken', () => {
      throw new Error('bug')
    })
    app.route('/', auditRoutes({ audit, clock }))
    const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await app.request(path, { method, headers: { 'Content-Type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : undefined }
    }
    return { request, audit, clock, logger }
  }
})
