import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { handle } from 'hono/aws-lambda'
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

interface Answer {
  status: number
  connection: string | undefined
  localPort: number | undefined
  body: string
}

describe('body limit over a kept-alive connection', () => {
  it.each([
    ['3 MB', '/api/v2/reservations', 3_000_000, false],
    ['300 KB', '/api/v2/reservations', 300_000, false],
    ['3 MB chunked', '/api/v2/reservations', 3_000_000, true],
    ['3 MB to an unknown route', '/nowhere', 3_000_000, false],
  ])('answers %s with 413 and serves the next request on the same connection', async (_what, path, size, chunked) => {
    const { send } = await setup()
    const refused = await send('POST', path, Buffer.alloc(size, 'x'), chunked)
    expect(refused).toMatchObject({ status: 413, connection: 'keep-alive' })
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    const next = await send('GET', '/healthz')
    expect(next.status).toBe(200)
    expect(refused.localPort).toBeGreaterThan(0)
    expect(next.localPort).toBe(refused.localPort)
  })

  it('closes the connection after a 413 for a body too large to drain, and the next request reconnects', async () => {
    const { send } = await setup()
    const refused = await send('POST', '/api/v2/reservations', Buffer.alloc(20_000_000, 'x'))
    expect(refused).toMatchObject({ status: 413, connection: 'close' })
    const next = await send('GET', '/healthz')
    expect(next.status).toBe(200)
  })

  it('passes a body within the limit through to the route, chunked or not', async () => {
    const { send } = await setup()
    const buyerID = { ID: 'consumer-1', additionalInformation: { liqoID: 'liqo-consumer-1' } }
    const body = Buffer.from(JSON.stringify({ flavorID: 'provider.local-k8slice-none', buyerID }))
    expect((await send('POST', '/api/v2/reservations', body)).status).toBe(404)
    expect((await send('POST', '/api/v2/reservations', body, true)).status).toBe(404)
  })

  async function setup() {
    const { app } = await createInMemoryParticipant()
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
    await new Promise((resolve) => server.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    onTestFinished(async () => {
      agent.destroy()
      await new Promise((resolve) => server.close(resolve))
    })
    const send = (method: string, path: string, body?: Buffer, chunked = false) =>
      new Promise<Answer>((resolve, reject) => {
        const headers: Record<string, string> = { 'Content-Type': 'application/json' }
        if (body && !chunked) headers['Content-Length'] = String(body.length)
        const request = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
          const localPort = res.socket?.localPort
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              connection: res.headers.connection,
              localPort,
              body: Buffer.concat(chunks).toString(),
            }),
          )
        })
        request.on('error', reject)
        if (body && chunked) {
          for (let offset = 0; offset < body.length; offset += 65_536) request.write(body.subarray(offset, offset + 65_536))
          request.end()
        } else request.end(body)
      })
    return { send }
  }
})

describe('body limit behind API Gateway', () => {
  it.each([
    ['with its length', { 'content-length': '300000' }],
    ['without its length', {}],
  ])('answers 413 to an event whose body is over the limit, %s', async (_what, headers) => {
    const { handler } = await setup()
    const res = await handler(httpEvent('x'.repeat(300_000), headers), lambdaContext)
    expect(res).toMatchObject({ statusCode: 413 })
    expect(JSON.parse((res as { body: string }).body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
  })

  it('hands a body within the limit to the route', async () => {
    const { handler } = await setup()
    const res = await handler(httpEvent('{"flavorID": '), lambdaContext)
    expect(JSON.parse((res as { body: string }).body)).toMatchObject({ code: 'MALFORMED_JSON' })
  })

  const lambdaContext = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 29_000 } as unknown as LambdaContext

  const httpEvent = (body: string, headers: Record<string, string> = {}) =>
    ({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/api/v2/reservations',
      rawQueryString: '',
      headers: { host: 'api.example.com', 'content-type': 'application/json', ...headers },
      requestContext: { http: { method: 'POST', path: '/api/v2/reservations', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, requestId: 'api-gw-1', routeKey: '$default', stage: '$default', domainName: 'api.example.com' },
      isBase64Encoded: false,
      body,
    }) as unknown as LambdaEvent

  async function setup() {
    const { app } = await createInMemoryParticipant()
    return { handler: handle(app) }
  }
})
