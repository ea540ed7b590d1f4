import { afterEach, describe, expect, it, vi } from 'vitest'
import { handle } from 'hono/aws-lambda'
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda'
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { publishToAggregators } from '../../../core/discovery/publish-to-aggregators.ts'
import { createApp } from '../../../functions/http/create-app.ts'
import { invocationTracker, lambdaRequestFields, withInvocationLogger } from '../../../functions/lambda/invocation.ts'
import { processChainBatch } from '../../../functions/queues/chain-batch.ts'
import { sstLinkEnvironment } from '../../../scripts/sst-links.ts'
import { aK8SliceFlavour } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'
import type { RecordingLogger } from '../../support/recording-logger.ts'
import type { handler as apiHandler } from '../../../functions/lambda/participant-api.ts'
import type { handler as chainWorkerHandler } from '../../../functions/queues/chain-worker.ts'

const httpEvent = (method: string, path: string, headers: Record<string, string> = {}): LambdaEvent => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'api.example.com', ...headers },
  requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, requestId: 'api-gw-1', routeKey: '$default', stage: '$default', domainName: 'api.example.com' },
  isBase64Encoded: false,
  body: undefined,
}) as unknown as LambdaEvent

const lambdaContext = (awsRequestId: string) => ({ awsRequestId, functionName: 'participant-api', getRemainingTimeInMillis: () => 29_000 }) as unknown as LambdaContext

const sqsEvent = (...bodies: string[]): SQSEvent => ({ Records: bodies.map((body, i) => ({ messageId: `m-${i + 1}`, body, eventSource: 'aws:sqs' })) }) as unknown as SQSEvent

describe('correlation ids', () => {
  it.each([
    ['X-Correlation-Id', 'abc-123'],
    ['X-Request-Id', 'req.42:retry_1'],
  ])('takes a safe %s from the caller and echoes it as X-Correlation-Id', async (header, value) => {
    const { request, logger } = await setup()
    const res = await request('GET', '/healthz', undefined, { [header]: value })
    expect(res.headers.get('X-Correlation-Id')).toBe(value)
    expect(logger.named('HTTP_REQUEST')[0]?.fields).toMatchObject({ correlationId: value, participant: 'provider-1', status: 200 })
  })

  it.each(['has spaces', 'x'.repeat(129), 'a=b'])('replaces the unsafe id %j with a generated one', async (value) => {
    const { request } = await setup()
    const res = await request('GET', '/healthz', undefined, { 'X-Correlation-Id': value })
    expect(res.headers.get('X-Correlation-Id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('prefers X-Correlation-Id over X-Request-Id', async () => {
    const { request } = await setup()
    const res = await request('GET', '/healthz', undefined, { 'X-Correlation-Id': 'chosen', 'X-Request-Id': 'ignored' })
    expect(res.headers.get('X-Correlation-Id')).toBe('chosen')
  })

  async function setup() {
    const participant = await createInMemoryParticipant()
    return { ...participant, logger: participant.logger as RecordingLogger }
  }
})

describe('Lambda invocation log fields', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.restoreAllMocks()
  })

  it('marks only the first invocation of a process as its cold start', () => {
    const track = invocationTracker()
    expect(track({ awsRequestId: 'a' })).toEqual({ awsRequestId: 'a', coldStart: true })
    expect(track({ awsRequestId: 'b' })).toEqual({ awsRequestId: 'b', coldStart: false })
    expect(track(undefined)).toEqual({ coldStart: false })
  })

  it('logs each API request with its Lambda request id and cold-start flag', async () => {
    const { participant, logger } = await createInMemoryParticipant()
    const handler = handle(createApp({ ...participant.app, requestLogFields: lambdaRequestFields(invocationTracker()) }))
    await handler(httpEvent('GET', '/healthz'), lambdaContext('req-a'))
    const second = await handler(httpEvent('GET', '/api/v2/flavors/vm'), lambdaContext('req-b'))
    expect(second.statusCode).toBe(400)
    expect((logger as RecordingLogger).named('HTTP_REQUEST').map((e) => [e.fields.awsRequestId, e.fields.coldStart, e.fields.status])).toEqual([
      ['req-a', true, 200],
      ['req-b', false, 400],
    ])
  })

  it('logs chain-worker failures with the invocation fields', async () => {
    const { participant, logger } = await createInMemoryParticipant()
    const handler = withInvocationLogger(participant.chain, (deps, event: SQSEvent): Promise<SQSBatchResponse> => processChainBatch(deps, event.Records), invocationTracker())
    const result = await handler(sqsEvent('not json'), lambdaContext('sqs-1'))
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }])
    expect((logger as RecordingLogger).named('CHAIN_MESSAGE_FAILED')[0]?.fields).toMatchObject({ awsRequestId: 'sqs-1', coldStart: true, sqsMessageId: 'm-1' })
  })

  it('logs a cron run with the invocation fields', async () => {
    const { participant, logger } = await createInMemoryParticipant({ flavours: [aK8SliceFlavour()] })
    const handler = withInvocationLogger(participant.publish, (deps) => publishToAggregators(deps), invocationTracker())
    await handler({}, lambdaContext('cron-1'))
    await handler({}, lambdaContext('cron-2'))
    expect((logger as RecordingLogger).named('FLAVOURS_PUBLISHED').map((e) => [e.fields.awsRequestId, e.fields.coldStart])).toEqual([
      ['cron-1', true],
      ['cron-2', false],
    ])
  })

  it('wires the fields into the deployed API entry point', async () => {
    const lines = await captureStdout()
    const { handler } = await importEntry<{ handler: typeof apiHandler }>('../../../functions/lambda/participant-api.ts')
    await handler(httpEvent('GET', '/healthz', { 'X-Correlation-Id': 'corr-1' }), lambdaContext('req-1'))
    await handler(httpEvent('GET', '/healthz'), lambdaContext('req-2'))
    expect(lines().filter((l) => l.event === 'HTTP_REQUEST').map((l) => [l.awsRequestId, l.coldStart, l.correlationId === 'corr-1'])).toEqual([
      ['req-1', true, true],
      ['req-2', false, false],
    ])
  })

  it('wires the fields into the deployed chain worker', async () => {
    const lines = await captureStdout()
    const { handler } = await importEntry<{ handler: typeof chainWorkerHandler }>('../../../functions/queues/chain-worker.ts')
    await handler(sqsEvent('{}'), lambdaContext('sqs-9'))
    expect(lines().find((l) => l.event === 'CHAIN_MESSAGE_FAILED')).toMatchObject({ awsRequestId: 'sqs-9', coldStart: true, participant: 'provider-1' })
  })

  /** A fresh module graph per entry point, as a fresh Lambda container has, on SST's link environment. */
  async function importEntry<T>(path: string): Promise<T> {
    const env = {
      PARTICIPANT_ID: 'provider-1',
      PARTICIPANT_DOMAIN: 'provider.local',
      AWS_REGION: 'eu-west-1',
      ...sstLinkEnvironment({ stage: 'test', tableName: 'rear-test', adminToken: 'a-test-admin-token-1234', chainQueueUrl: 'http://sqs/chain', agentQueueUrl: 'http://sqs/agent' }),
    }
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value)
    vi.resetModules()
    return (await import(path)) as T
  }

  async function captureStdout() {
    const written: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk))
      return true
    })
    return () => written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>)
  }
})
