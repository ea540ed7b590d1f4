import { createServer, type IncomingHttpHeaders } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { WEBHOOK_TOLERANCE_SECONDS, type WebhookHeaders } from '../../../core/intents/webhook.ts'
import { PeerUnavailableError, UnauthorizedError, ValidationError } from '../../../core/shared/errors.ts'
import {
  DEV_WEBHOOK_SECRET,
  SignedCallbackSender,
  StandardWebhookVerifier,
  parseWebhookSecret,
  signWebhook,
  type SignedWebhookHeaders,
} from '../../../adapters/webhooks/standard-webhooks.ts'
import { FakeClock } from '../../support/fake-clock.ts'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const OTHER_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
const BODY = JSON.stringify({ need: { type: 'k8slice', cpu: '2' }, action: 'find' })

const asHeaders = (signed: SignedWebhookHeaders): WebhookHeaders => ({
  id: signed['webhook-id'],
  timestamp: signed['webhook-timestamp'],
  signature: signed['webhook-signature'],
})

function thrown(action: () => unknown): Error & { code?: string } {
  try {
    action()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected a throw')
}

async function rejected(action: () => Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await action()
  } catch (error) {
    return error as Error & { code?: string; details?: Record<string, unknown> }
  }
  throw new Error('expected a rejection')
}

describe('signWebhook', () => {
  it.each([
    { secret: SECRET, id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', at: new Date(1614265330 * 1000), body: '{"test": 2432232314}', signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' },
    {
      secret: DEV_WEBHOOK_SECRET,
      id: 'delivery-1',
      at: new Date('2026-01-01T00:00:00.900Z'),
      body: JSON.stringify({ phase: 'Solvé ✓', n: 1 }),
      signature: 'v1,R/qubKOLzuLoT3Zhw8nKMuztbpfRsve2RBBh9YZdzXw=',
    },
  ])('gives the signature standardwebhooks 1.1.1 gives for $id', ({ secret, id, at, body, signature }) => {
    expect(signWebhook(secret, id, at, body)).toEqual({
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    })
  })

  it('refuses an id the verifier would refuse', () => {
    for (const id of ['', 'has space', 'x'.repeat(257)]) {
      expect(thrown(() => signWebhook(SECRET, id, new Date(), BODY))).toMatchObject({ code: 'WEBHOOK_ID_INVALID' })
    }
  })
})

describe('parseWebhookSecret', () => {
  it('accepts whsec_ and the base64 of 24 to 64 bytes, surrounding whitespace ignored', () => {
    expect(parseWebhookSecret(SECRET)).toHaveLength(24)
    expect(parseWebhookSecret(`whsec_${Buffer.alloc(64, 1).toString('base64')}\n`)).toHaveLength(64)
    expect(parseWebhookSecret(DEV_WEBHOOK_SECRET).toString('ascii')).toBe('rear-cloud development only key!')
  })

  it.each([
    ['', 'is empty'],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'does not start with "whsec_"'],
    ['whsec_not*base64!', 'is not valid base64'],
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', 'is not valid base64'],
    [`whsec_${Buffer.alloc(23).toString('base64')}`, 'decodes to 23 bytes'],
    [`whsec_${Buffer.alloc(65).toString('base64')}`, 'decodes to 65 bytes'],
  ])('refuses %j: %s', (text, problem) => {
    const error = thrown(() => parseWebhookSecret(text, 'INTENT_WEBHOOK_SECRET'))
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.code).toBe('WEBHOOK_SECRET_INVALID')
    expect(error.message).toContain(`INTENT_WEBHOOK_SECRET ${problem}`)
    expect(error.message).toContain('24 to 64')
    if (text.length > 6) expect(error.message).not.toContain(text.slice(6))
  })
})

describe('StandardWebhookVerifier', () => {
  it('accepts a good signature, against the injected clock, and returns the delivery id and signing time', () => {
    const { verifier, clock } = setup()
    const signed = signWebhook(SECRET, 'delivery-1', clock.now(), BODY)
    expect(verifier.verify(BODY, asHeaders(signed))).toEqual({ webhookId: 'delivery-1', timestamp: clock.now() })
  })

  it('accepts a good signature listed next to bad, foreign or unsupported ones', () => {
    const { verifier, clock } = setup()
    const good = signWebhook(SECRET, 'delivery-1', clock.now(), BODY)
    const bad = signWebhook(OTHER_SECRET, 'delivery-1', clock.now(), BODY)['webhook-signature']
    for (const signature of [`${bad} ${good['webhook-signature']}`, `${good['webhook-signature']} ${bad}`, `v1a,AAAA v2,BBBB   ${good['webhook-signature']}`]) {
      expect(verifier.verify(BODY, { ...asHeaders(good), signature }).webhookId).toBe('delivery-1')
    }
  })

  it.each([
    ['the wrong secret', (now: Date) => ({ body: BODY, headers: asHeaders(signWebhook(OTHER_SECRET, 'delivery-1', now, BODY)) })],
    ['an altered body', (now: Date) => ({ body: BODY.replace('find', 'buy'), headers: asHeaders(signWebhook(SECRET, 'delivery-1', now, BODY)) })],
    ['an altered id', (now: Date) => ({ body: BODY, headers: { ...asHeaders(signWebhook(SECRET, 'delivery-1', now, BODY)), id: 'delivery-2' } })],
    [
      'an altered timestamp',
      (now: Date) => ({ body: BODY, headers: { ...asHeaders(signWebhook(SECRET, 'delivery-1', now, BODY)), timestamp: String(Math.floor(now.getTime() / 1000) - 1) } }),
    ],
  ])('refuses a signature made with %s as WEBHOOK_SIGNATURE_INVALID', (_, make) => {
    const { verifier, clock } = setup()
    const { body, headers } = make(clock.now())
    const error = thrown(() => verifier.verify(body, headers))
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID')
    expect(error.message).toContain('No signature in webhook-signature matches')
    expect(error.message).toContain('{webhook-id}.{webhook-timestamp}.{the exact request body}')
  })

  it.each([
    ['old', -360, '360 s behind'],
    ['ahead', 360, '360 s ahead of'],
  ])('refuses a timestamp 6 minutes %s as WEBHOOK_TIMESTAMP_STALE, naming the tolerance and the server time', (_, offsetSeconds, phrase) => {
    const { verifier, clock } = setup()
    const signedAt = new Date(clock.now().getTime() + offsetSeconds * 1000)
    const error = thrown(() => verifier.verify(BODY, asHeaders(signWebhook(SECRET, 'delivery-1', signedAt, BODY))))
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(error.code).toBe('WEBHOOK_TIMESTAMP_STALE')
    expect(error.message).toContain(phrase)
    expect(error.message).toContain(`±${WEBHOOK_TOLERANCE_SECONDS} s`)
    expect(error.message).toContain("this server's time 2026-01-01T00:00:00.000Z")
  })

  it('accepts a timestamp exactly at the tolerance either way', () => {
    const { verifier, clock } = setup()
    for (const offset of [-WEBHOOK_TOLERANCE_SECONDS, WEBHOOK_TOLERANCE_SECONDS]) {
      const signed = signWebhook(SECRET, 'delivery-1', new Date(clock.now().getTime() + offset * 1000), BODY)
      expect(verifier.verify(BODY, asHeaders(signed)).webhookId).toBe('delivery-1')
    }
  })

  it('follows the injected clock, not the wall clock', () => {
    const { verifier, clock } = setup()
    const signed = signWebhook(SECRET, 'delivery-1', clock.now(), BODY)
    clock.advance((WEBHOOK_TOLERANCE_SECONDS + 1) * 1000)
    expect(thrown(() => verifier.verify(BODY, asHeaders(signed))).code).toBe('WEBHOOK_TIMESTAMP_STALE')
  })

  it.each([
    [{ id: undefined }, 'Missing webhook header webhook-id:'],
    [{ timestamp: '' }, 'Missing webhook header webhook-timestamp:'],
    [{ signature: '  ' }, 'Missing webhook header webhook-signature:'],
    [{ id: undefined, timestamp: undefined, signature: undefined }, 'Missing webhook headers webhook-id, webhook-timestamp, webhook-signature:'],
    [{ id: 'has space' }, 'Header webhook-id must be 1 to 256 visible ASCII characters'],
    [{ timestamp: '1767225600.5' }, 'Header webhook-timestamp must be whole unix seconds, got "1767225600.5"'],
    [{ timestamp: '2026-01-01T00:00:00Z' }, 'Header webhook-timestamp must be whole unix seconds'],
  ])('refuses missing or malformed headers %j as WEBHOOK_HEADERS_MISSING', (change, message) => {
    const { verifier, clock } = setup()
    const headers = { ...asHeaders(signWebhook(SECRET, 'delivery-1', clock.now(), BODY)), ...change }
    const error = thrown(() => verifier.verify(BODY, headers))
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(error.code).toBe('WEBHOOK_HEADERS_MISSING')
    expect(error.message).toContain(message)
  })

  it.each(['garbage', 'v1', 'v1,', 'v2,abc', 'v1a,AAAA', 'v1,a,b', `v1,${'A'.repeat(5000)}`])('refuses the malformed signature header %j as WEBHOOK_SIGNATURE_INVALID', (signature) => {
    const { verifier, clock } = setup()
    const headers = { ...asHeaders(signWebhook(SECRET, 'delivery-1', clock.now(), BODY)), signature }
    const error = thrown(() => verifier.verify(BODY, headers))
    expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID')
    expect(error.message).toContain('Header webhook-signature has no v1 signature: it must be "v1,<base64 HMAC-SHA256>" entries separated by spaces')
  })

  it('refuses a malformed secret when built', () => {
    expect(thrown(() => new StandardWebhookVerifier('secret', new FakeClock())).code).toBe('WEBHOOK_SECRET_INVALID')
  })

  function setup() {
    const clock = new FakeClock('2026-01-01T00:00:00Z')
    return { clock, verifier: new StandardWebhookVerifier(SECRET, clock) }
  }
})

describe('SignedCallbackSender', () => {
  const servers: { close(): Promise<void> }[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  it('posts the JSON body with Standard Webhooks headers the verifier accepts, a fresh timestamp per attempt', async () => {
    const { sender, clock, platform, verifier } = await setup()
    await sender.send(`${platform.url}/hooks/rear?tenant=a`, { intentId: 'intent-1', phase: 'Running' }, 'delivery-1')
    clock.advance(90_000)
    await sender.send(`${platform.url}/hooks/rear?tenant=a`, { intentId: 'intent-1', phase: 'Running' }, 'delivery-1')
    await sender.send(`${platform.url}/hooks/rear?tenant=a`, { intentId: 'intent-1', phase: 'Solved' }, 'delivery-2')
    expect(platform.received.map((r) => [r.method, r.url, r.headers['content-type'], JSON.parse(r.body).phase])).toEqual([
      ['POST', '/hooks/rear?tenant=a', 'application/json', 'Running'],
      ['POST', '/hooks/rear?tenant=a', 'application/json', 'Running'],
      ['POST', '/hooks/rear?tenant=a', 'application/json', 'Solved'],
    ])
    const verified = platform.received.map((r) => verifier.verify(r.body, { id: header(r.headers, 'webhook-id'), timestamp: header(r.headers, 'webhook-timestamp'), signature: header(r.headers, 'webhook-signature') }))
    expect(verified).toEqual([
      { webhookId: 'delivery-1', timestamp: new Date('2026-01-01T00:00:00Z') },
      { webhookId: 'delivery-1', timestamp: new Date('2026-01-01T00:01:30Z') },
      { webhookId: 'delivery-2', timestamp: new Date('2026-01-01T00:01:30Z') },
    ])
  })

  it('fails a non-2xx answer with PeerUnavailableError naming the status', async () => {
    const { sender, platform } = await setup({ status: 503, body: 'maintenance' })
    const error = await rejected(() => sender.send(`${platform.url}/hooks`, { phase: 'Failed' }, 'delivery-1'))
    expect(error).toBeInstanceOf(PeerUnavailableError)
    expect(error.code).toBe('CALLBACK_ANSWERED_503')
    expect(error.message).toBe(`Peer callback ${platform.url}/hooks: answered 503 to delivery delivery-1: maintenance`)
    expect(error.details).toEqual({ status: 503, deliveryId: 'delivery-1' })
  })

  it('does not follow a redirect, and fails naming it', async () => {
    const elsewhere = await startPlatform({ status: 200 })
    servers.push(elsewhere)
    const { sender, platform } = await setup({ status: 307, location: `${elsewhere.url}/steal` })
    const error = await rejected(() => sender.send(`${platform.url}/hooks`, { phase: 'Solved' }, 'delivery-1'))
    expect(error).toBeInstanceOf(PeerUnavailableError)
    expect(error.code).toBe('CALLBACK_ANSWERED_307')
    expect(error.message).toContain(`redirects to ${elsewhere.url}/steal; callbacks do not follow redirects`)
    expect(platform.received).toHaveLength(1)
    expect(elsewhere.received).toHaveLength(0)
  })

  it('fails an unreachable URL with PeerUnavailableError CALLBACK_UNREACHABLE', async () => {
    const { sender } = await setup()
    const closed = await startPlatform({ status: 200 })
    await closed.close()
    const error = await rejected(() => sender.send(`${closed.url}/hooks`, {}, 'delivery-1'))
    expect(error).toBeInstanceOf(PeerUnavailableError)
    expect(error.code).toBe('CALLBACK_UNREACHABLE')
    expect(error.message).toContain('ECONNREFUSED')
  })

  it('gives up after its timeout with PeerUnavailableError CALLBACK_TIMEOUT', async () => {
    const hanging: typeof fetch = (_, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
    const sender = new SignedCallbackSender(SECRET, new FakeClock(), hanging, 20)
    const error = await rejected(() => sender.send('https://platform.example/hooks', {}, 'delivery-1'))
    expect(error).toBeInstanceOf(PeerUnavailableError)
    expect(error.code).toBe('CALLBACK_TIMEOUT')
    expect(error.message).toBe('Peer callback https://platform.example/hooks: did not answer delivery delivery-1 within 20 ms')
  })

  it.each(['ftp://platform.example/hooks', 'file:///etc/passwd', 'not a url', 'https://user:pass@platform.example/hooks'])('refuses %s without calling out', async (url) => {
    const calls: unknown[] = []
    const sender = new SignedCallbackSender(SECRET, new FakeClock(), async (...args) => {
      calls.push(args)
      return new Response(null, { status: 204 })
    })
    const error = await rejected(() => sender.send(url, {}, 'delivery-1'))
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.code).toBe('CALLBACK_URL_INVALID')
    expect(error.message).toContain('it must be an http:// or https:// URL without credentials')
    expect(calls).toHaveLength(0)
  })

  async function setup(answer: PlatformAnswer = { status: 204 }) {
    const clock = new FakeClock('2026-01-01T00:00:00Z')
    const platform = await startPlatform(answer)
    servers.push(platform)
    return { clock, platform, sender: new SignedCallbackSender(SECRET, clock), verifier: new StandardWebhookVerifier(SECRET, clock) }
  }
})

interface PlatformAnswer {
  status: number
  body?: string
  location?: string
}

interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

function startPlatform(answer: PlatformAnswer): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(answer.status, answer.location ? { location: answer.location } : {})
      res.end(answer.body)
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      resolve({
        url: `http://127.0.0.1:${port}`,
        received,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    }),
  )
}
