import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it, inject } from 'vitest'
import { buildFunctions } from '../../../scripts/build.ts'
import type { BuiltFunction } from '../../../scripts/build.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/emulators.ts'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { aK8SliceFlavour } from '../../support/factories.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'

const ADMIN_TOKEN = 'bundle-test-admin-token'
const run = promisify(execFile)
const INVOKE = `
const [file, event, out] = process.argv.slice(1)
const { handler } = await import(file)
const { writeFileSync } = await import('node:fs')
writeFileSync(out, JSON.stringify(await handler(JSON.parse(event), {})))
`

let bundles: Map<string, BuiltFunction>

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
    expect(await invoke('expiry-sweeper', {})).toEqual({ released: 0, dropped: 0 })
    expect(await invoke('flavour-publisher', {})).toMatchObject({ failed: [] })
  })

  it('report a message the chain-worker bundle cannot read as a partial batch failure', async () => {
    const { invoke } = await setup()
    const event = { Records: [{ messageId: 'not-json', body: '{oops' }] }
    expect(await invoke('chain-worker', event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'not-json' }] })
  })

  async function setup() {
    const table = await createTestTable('bundle')
    const dir = mkdtempSync(join(tmpdir(), 'rear-invoke-'))
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
      PARTICIPANT_ID: 'provider-1',
      PARTICIPANT_DOMAIN: 'provider.local',
      SST_RESOURCE_App: JSON.stringify({ name: 'rear-cloud', stage: 'test' }),
      SST_RESOURCE_ParticipantTable: JSON.stringify({ name: table.tableName, type: 'sst.aws.Dynamo' }),
      SST_RESOURCE_AdminToken: JSON.stringify({ value: ADMIN_TOKEN, type: 'sst.sst.Secret' }),
      SST_RESOURCE_PeeringKubeconfig: JSON.stringify({ value: '', type: 'sst.sst.Secret' }),
      SST_RESOURCE_ChainQueue: JSON.stringify({ url: 'http://127.0.0.1:1/000000000000/chain', type: 'sst.aws.Queue' }),
      SST_RESOURCE_AgentQueue: JSON.stringify({ url: 'http://127.0.0.1:1/000000000000/agent', type: 'sst.aws.Queue' }),
    }
    const invoke = async (name: string, event: unknown) => {
      const fn = bundles.get(name)
      if (!fn) throw new Error(`no bundle named ${name}`)
      const out = join(dir, `${randomUUID()}.json`)
      await run(process.execPath, ['--input-type=module', '-e', INVOKE, fn.file, JSON.stringify(event), out], { env })
      return JSON.parse(readFileSync(out, 'utf8'))
    }
    return { invoke, table }
  }
})
