import { describe, expect, it } from 'vitest'
import { createIntentNetwork } from '../../support/in-memory-intents.ts'

const anIntent = (overrides: Record<string, unknown> = {}) => ({
  need: { type: 'k8slice', architecture: 'amd64', cpu: '2', memory: '4Gi', pods: '10' },
  constraints: { maxPricePerHour: { amount: '0.10', currency: 'EUR' }, countries: ['Italy'] },
  action: 'find',
  ...overrides,
})

describe('POST /intents/v1', () => {
  it('answers 202 with the intent and its Location, stores it Pending and queues the first step', async () => {
    const { submit, intents, queue } = await setup()
    const res = await submit(anIntent())
    expect(res.status).toBe(202)
    expect(res.headers.get('Location')).toBe(`/intents/v1/${res.body.id}`)
    expect(res.body).toMatchObject({ phase: 'Pending', action: 'find', replayed: false, need: { cpu: '2', memory: '4Gi' }, reserveBest: 1 })
    expect(res.body.timeline).toEqual([expect.objectContaining({ step: 1, participant: 'consumer-node' })])
    expect(intents.intents.size).toBe(1)
    expect(queue.queued.map((q) => q.message)).toEqual([{ kind: 'intent-step', intentId: res.body.id, attempt: 1 }])
  })

  it('returns the same intent for a replayed delivery and creates nothing', async () => {
    const { submit, intents } = await setup()
    const first = await submit(anIntent(), { id: 'msg-replayed' })
    const again = await submit(anIntent(), { id: 'msg-replayed' })
    expect(again.status).toBe(202)
    expect(again.body).toMatchObject({ id: first.body.id, replayed: true })
    expect(intents.intents.size).toBe(1)
  })

  it('refuses a bad signature with 401 and stores nothing', async () => {
    const { submit, intents, queue } = await setup()
    const res = await submit(anIntent(), { body: JSON.stringify(anIntent({ action: 'buy' })) })
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID', message: expect.any(String) })
    expect(intents.intents.size).toBe(0)
    expect(queue.queued).toEqual([])
  })

  it('refuses a timestamp older than five minutes with 401 and stores nothing', async () => {
    const { submit, intents, clock } = await setup()
    const res = await submit(anIntent(), { at: new Date(clock.now().getTime() - 301_000) })
    expect(res.status).toBe(401)
    expect(res.body.code).toBe('WEBHOOK_TIMESTAMP_STALE')
    expect(intents.intents.size).toBe(0)
  })

  it('refuses a delivery without its webhook headers with 401 and stores nothing', async () => {
    const { submit, intents } = await setup()
    const res = await submit(anIntent(), { headers: { 'webhook-signature': undefined } })
    expect(res.status).toBe(401)
    expect(res.body.code).toBe('WEBHOOK_HEADERS_MISSING')
    expect(intents.intents.size).toBe(0)
  })

  it.each([
    ['not JSON', '{"need":', 'MALFORMED_JSON'],
    ['a bad quantity', anIntent({ need: { type: 'k8slice', cpu: 'two', memory: '4Gi' } }), 'INVALID_BODY'],
    ['an unknown key', anIntent({ priority: 'high' }), 'INVALID_BODY'],
    ['deploy without a workload', anIntent({ action: 'deploy' }), 'INVALID_BODY'],
    ['reserveBest over 5', anIntent({ action: 'buy', reserveBest: 6 }), 'INVALID_BODY'],
    ['a callback that is not http', anIntent({ callbackUrl: 'ftp://platform.example/hooks' }), 'INVALID_BODY'],
    ['a deadline under 30 s', anIntent({ deadlineSeconds: 5 }), 'INVALID_BODY'],
  ])('refuses %s with 400 naming the problem and stores nothing', async (_case, body, code) => {
    const { submit, intents, queue } = await setup()
    const res = await submit(body)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe(code)
    expect(res.body.message).toMatch(/intent|JSON/)
    expect(intents.intents.size).toBe(0)
    expect(queue.queued).toEqual([])
  })

  async function setup() {
    return createIntentNetwork()
  }
})

describe('GET /intents/v1', () => {
  it('lists intents newest first, a page at a time', async () => {
    const { submit, request, clock } = await setup()
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      ids.push((await submit(anIntent())).body.id)
      clock.advance(1000)
    }
    const first = await request('GET', '/intents/v1?limit=2')
    expect(first.status).toBe(200)
    expect(first.body.intents.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]])
    const second = await request('GET', `/intents/v1?limit=2&cursor=${first.body.next}`)
    expect(second.body).toMatchObject({ intents: [expect.objectContaining({ id: ids[0] })], next: null })
  })

  it('refuses a limit over 100', async () => {
    const { request } = await setup()
    expect((await request('GET', '/intents/v1?limit=101')).status).toBe(400)
  })

  it('answers one intent by id, 404 for an unknown one', async () => {
    const { submit, request } = await setup()
    const { body } = await submit(anIntent())
    expect((await request('GET', `/intents/v1/${body.id}`)).body).toMatchObject({ id: body.id, phase: 'Pending', chosen: null, runnerUp: null, operationId: null })
    expect((await request('GET', '/intents/v1/intent-nope')).body).toMatchObject({ code: 'INTENT_NOT_FOUND' })
  })

  it('answers 405 to other methods', async () => {
    const { request } = await setup()
    expect((await request('DELETE', '/intents/v1')).status).toBe(405)
    expect((await request('PUT', '/intents/v1/intent-1')).status).toBe(405)
    expect((await request('GET', '/intents/v1/intent-1/rating')).status).toBe(405)
  })

  async function setup() {
    return createIntentNetwork()
  }
})

describe('POST /intents/v1/{id}/rating', () => {
  it('refuses to rate an intent that bought nothing', async () => {
    const { submit, request } = await setup()
    const { body } = await submit(anIntent())
    const res = await request('POST', `/intents/v1/${body.id}/rating`, { score: 4, comment: 'fine' })
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('INTENT_NOT_BOUGHT')
  })

  it('refuses a score outside 1..5', async () => {
    const { submit, request } = await setup()
    const { body } = await submit(anIntent())
    expect((await request('POST', `/intents/v1/${body.id}/rating`, { score: 6 })).status).toBe(400)
  })

  async function setup() {
    return createIntentNetwork()
  }
})
