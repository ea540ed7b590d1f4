import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { beforeAll, describe, expect, it, inject, onTestFinished } from 'vitest'
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs'
import { createSqsClient } from '../../../adapters/sqs/sqs-client.ts'
import { ensureParticipantQueues } from '../../../local/sqs-queues.ts'
import type { ChainMessage } from '../../../core/chain/model.ts'
import { chainMessageFromWire, chainMessageToWire } from '../../../core/wire/chain-codec.ts'
import { buildFunctions } from '../../../scripts/build.ts'
import { sstLinkEnvironment } from '../../../scripts/sst-links.ts'
import type { BuiltFunction } from '../../../scripts/build.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/emulators.ts'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { aBuyer, aK8SliceFlavour } from '../../support/factories.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { ensureBucket } from '../../../local/s3-buckets.ts'

const ADMIN_TOKEN = 'bundle-test-admin-token'
const run = promisify(execFile)
const INVOKE = `
const [file, event, out] = process.argv.slice(1)
const { handler } = await import(file)
const { writeFileSync } = await import('node:fs')
writeFileSync(out, JSON.stringify(await handler(JSON.parse(event), {})))
`

let bundles: Map<string, BuiltFunction>

/** The upstream hop: a REAR peer that accepts chain messages and keeps them. */
async function chainPeer() {
  const received: ChainMessage[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(404).end()
      received.push(chainMessageFromWire(JSON.parse(body)))
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { baseUrl: `http://127.0.0.1:${port}`, received, close: () => void server.close() }
}

beforeAll(async () => {
  const built = await buildFunctions(mkdtempSync(join(tmpdir(), 'rear-bundles-')))
  bundles = new Map(built.map((fn) => [fn.name, fn]))
}, 120_000)

const httpEvent = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const [rawPath = path, rawQueryString = ''] = path.split('?')
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host: 'api.example.com', 'content-type': 'application/json', ...headers },
    requestContext: { http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, requestId: 'req-1', routeKey: '$default', stage: '$default', domainName: 'api.example.com' },
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  }
}

describe('bundled functions', () => {
  it('serve the provider API from the participant-api bundle, lazily loaded chunks included', async () => {
    const { invoke } = await setup()
    const created = await invoke('participant-api', httpEvent('POST', '/admin/v1/flavours', flavourToWire(aK8SliceFlavour()), { authorization: `Bearer ${ADMIN_TOKEN}` }))
    expect(created.statusCode).toBe(201)

    const listed = await invoke('participant-api', httpEvent('GET', '/api/v2/flavors/k8slice?filter[cpu][range][min]=1'))
    expect(listed.statusCode).toBe(200)
    expect(JSON.parse(listed.body)).toEqual([expect.objectContaining({ flavorID: 'provider.local-k8slice-0001' })])

    const openapi = await invoke('participant-api', httpEvent('GET', '/openapi.json'))
    expect(openapi.statusCode).toBe(200)
    expect(JSON.parse(openapi.body)).toMatchObject({ openapi: expect.stringMatching(/^3\./) })
  })

  it('answer bad input with a coded 4xx from the bundle', async () => {
    const { invoke } = await setup()
    const bad = await invoke('participant-api', httpEvent('POST', '/api/v2/reservations', '{"flavorID":'))
    expect(bad.statusCode).toBe(400)
    expect(JSON.parse(bad.body)).toMatchObject({ code: expect.any(String), message: expect.any(String) })
  })

  it('run the cron bundles against the table', async () => {
    const { invoke } = await setup()
    expect(await invoke('expiry-sweeper', {})).toEqual({ released: 0, dropped: 0, chains: { expired: 0, drained: 0, failed: 0 }, intents: 0 })
    expect(await invoke('flavour-publisher', {})).toMatchObject({ failed: [] })
  })

  it('write the listing index snapshot from the compactor bundle', async () => {
    const { invoke } = await setup()
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
    expect((await invoke('participant-api', httpEvent('POST', '/admin/v1/flavours', flavourToWire(aK8SliceFlavour()), admin))).statusCode).toBe(201)
    expect(await invoke('index-compactor', {})).toEqual({ listings: [{ rows: 1, bytes: expect.any(Number) }] })
  })

  it('take a chain message in through the API bundle and SQS, and reserve once in the chain-worker bundle however often it is delivered', async () => {
    const { invoke, queues, sqs, upstream } = await setup()
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
    await invoke('participant-api', httpEvent('POST', '/admin/v1/flavours', flavourToWire(aK8SliceFlavour()), admin))
    const peer = { role: 'node', domain: 'consumer.local', baseUrl: upstream.baseUrl, protocol: 'rear-cloud' }
    expect((await invoke('participant-api', httpEvent('PUT', '/admin/v1/peers/consumer-1', peer, admin))).statusCode).toBeLessThan(300)

    const reserve: ChainMessage = {
      id: 'chain-b1:RESERVE:consumer-1',
      chainId: 'chain-b1',
      from: 'consumer-1',
      to: 'provider-1',
      route: ['consumer-1', 'provider-1'],
      payload: { type: 'RESERVE', buyer: aBuyer(), flavourId: 'provider.local-k8slice-0001', providerId: 'provider-1' },
      sentAt: new Date(),
    }
    const accepted = await invoke('participant-api', httpEvent('POST', '/rear/v1/chain/messages', chainMessageToWire(reserve)))
    expect(accepted.statusCode).toBe(202)

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.chain, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }))
    expect(Messages).toHaveLength(1)
    const record = { messageId: Messages[0]!.MessageId!, body: Messages[0]!.Body! }
    for (let delivery = 0; delivery < 2; delivery++) expect(await invoke('chain-worker', { Records: [record] })).toEqual({ batchItemFailures: [] })

    expect(upstream.received.map((m) => m.payload.type)).toEqual(['RESERVE_OK'])
    const operation = await invoke('participant-api', httpEvent('GET', '/chain/v1/operations/chain-b1', undefined, admin))
    expect(JSON.parse(operation.body)).toMatchObject({ state: 'reserved', position: 'provider' })
  })

  it('report a message the chain-worker bundle cannot read as a partial batch failure', async () => {
    const { invoke } = await setup()
    const event = { Records: [{ messageId: 'not-json', body: '{oops' }] }
    expect(await invoke('chain-worker', event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'not-json' }] })
  })

  async function setup() {
    const table = await createTestTable('bundle')
    const dir = mkdtempSync(join(tmpdir(), 'rear-invoke-'))
    const sqs = createSqsClient({ endpoint: inject('sqsEndpoint'), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
    const queues = await ensureParticipantQueues(sqs, `bundle-${randomUUID().slice(0, 8)}`)
    const upstream = await chainPeer()
    onTestFinished(() => upstream.close())
    const bucket = `bundle-${randomUUID().slice(0, 8)}`
    await ensureBucket({ endpoint: inject('sqsEndpoint'), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }, bucket)
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
      SQS_ENDPOINT: inject('sqsEndpoint'),
      PARTICIPANT_ID: 'provider-1',
      PARTICIPANT_DOMAIN: 'provider.local',
      S3_ENDPOINT: inject('sqsEndpoint'),
      ...sstLinkEnvironment({ stage: 'test', tableName: table.tableName, adminToken: ADMIN_TOKEN, chainQueueUrl: queues.chain, agentQueueUrl: queues.agent, indexSnapshotBucket: bucket }),
    }
    const invoke = async (name: string, event: unknown) => {
      const fn = bundles.get(name)
      if (!fn) throw new Error(`no bundle named ${name}`)
      const out = join(dir, `${randomUUID()}.json`)
      await run(process.execPath, ['--input-type=module', '-e', INVOKE, fn.file, JSON.stringify(event), out], { env })
      return JSON.parse(readFileSync(out, 'utf8'))
    }
    return { invoke, table, queues, sqs, upstream }
  }
})
