import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { describe, expect, inject, it } from 'vitest'
import type { IndexDeps } from '../../../core/catalog/indexed-listing.ts'
import { WarmIndex, compactIndex } from '../../../core/catalog/indexed-listing.ts'
import type { Flavour } from '../../../core/flavours/model.ts'
import { isK8Slice } from '../../../core/flavours/model.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { flavourFromWire } from '../../../core/wire/flavour-codec.ts'
import { composeParticipant } from '../../../functions/composition.ts'
import { loadConfig } from '../../../functions/config.ts'
import { acceptPublication } from '../../../core/discovery/accept-publication.ts'
import { createApp } from '../../../functions/http/create-app.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/emulators.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { aK8SliceFlavour, aPeer, aProvider } from '../../support/factories.ts'
import type { WriterOrder } from '../../support/listing-writer.ts'
import { listingParticipantEnv } from '../../support/listing-participant.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { ensureBucket } from '../../../local/s3-buckets.ts'

const run = promisify(execFile)
const WRITER = new URL('../../support/listing-writer.ts', import.meta.url).pathname

const cpuOf = (flavour: Flavour) => (isK8Slice(flavour) ? flavour.spec.characteristics.cpu.toString() : '')

describe('LIST_FLAVORS from the warm index, with writes from another process', () => {
  it('sees a reserve made by another instance on the very next LIST', async () => {
    const { publish, list, inAnotherProcess } = await setup()
    await publish('provider.local-k8slice-a', '8')
    expect((await list()).map(cpuOf)).toEqual(['8'])

    await inAnotherProcess({ action: 'reserve', flavourId: 'provider.local-k8slice-a', cpu: '2' })

    expect((await list()).map(cpuOf)).toEqual(['6'])
  })

  it('sees another instance purchase a flavour, and publish a new one', async () => {
    const { publish, list, inAnotherProcess } = await setup()
    await publish('provider.local-k8slice-a', '8')
    await list()

    const tx = (await inAnotherProcess({ action: 'reserve', flavourId: 'provider.local-k8slice-a', cpu: '8' })) as { transactionID: string }
    expect(await list()).toEqual([])
    await inAnotherProcess({ action: 'purchase', flavourId: 'provider.local-k8slice-a', transactionId: tx.transactionID })
    await inAnotherProcess({ action: 'publish', flavourId: 'provider.local-k8slice-b', cpu: '4' })

    expect((await list()).map((f) => f.id)).toEqual(['provider.local-k8slice-b'])
  })

  it('starts a cold instance from the S3 snapshot the compactor wrote, then catches up', async () => {
    const { publish, participant, logger } = await setup({ snapshots: true })
    await publish('provider.local-k8slice-a', '8')
    const [deps] = participant.listingIndexes as [IndexDeps]
    await compactIndex({ ...deps, snapshots: deps.snapshots! })
    await publish('provider.local-k8slice-b', '4')

    const cold = await new WarmIndex({ ...deps, logger }).fresh()

    expect(logger.events.map((e) => e.event)).toContain('INDEX_LOADED_FROM_SNAPSHOT')
    expect([...cold.index.rows()].map((row) => row.flavourId).sort()).toEqual(['provider.local-k8slice-a', 'provider.local-k8slice-b'])
  })

  async function setup(options: { snapshots?: boolean } = {}) {
    const table = await createTestTable('listing')
    const logger = new RecordingLogger()
    const bucket = `listing-${randomUUID().slice(0, 8)}`
    const s3 = { endpoint: inject('sqsEndpoint'), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }
    if (options.snapshots) await ensureBucket(s3, bucket)
    const config = listingParticipantEnv(table.tableName, options.snapshots ? { INDEX_SNAPSHOT_BUCKET: bucket } : {})
    const participant = composeParticipant(config, { table, logger, s3 })
    const app = createApp(participant.app)
    const publish = (id: string, cpu: string) => publishFlavour(participant.app.provider.flavours, aK8SliceFlavour({ id, cpu }))
    const list = async (): Promise<Flavour[]> => {
      const res = await app.request('/api/v2/flavors/k8slice')
      expect(res.status).toBe(200)
      return ((await res.json()) as unknown[]).map(flavourFromWire)
    }
    const inAnotherProcess = async (order: Omit<WriterOrder, 'endpoint' | 'tableName'>) => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', WRITER, JSON.stringify({ ...order, endpoint: inject('dynamoEndpoint'), tableName: table.tableName })])
      return JSON.parse(stdout) as unknown
    }
    return { publish, list, inAnotherProcess, participant, logger }
  }
})

describe('a catalog answering relays from its warm index of publications', () => {
  it('pages what providers published, cheapest first, and sees a withdrawal on the next request', async () => {
    const { publish, relay } = await setup()
    await publish('p1', [['p1.local-k8slice-a', '0.30'], ['p1.local-k8slice-b', '0.10']])
    await publish('p2', [['p2.local-k8slice-c', '0.20']])

    const first = await relay({ limit: 2 })
    const second = await relay({ limit: 2, cursor: first.nextCursor })
    expect([...first.results, ...second.results].map((r) => r.flavor.flavorID)).toEqual(['p1.local-k8slice-b', 'p2.local-k8slice-c', 'p1.local-k8slice-a'])
    expect(second.nextCursor).toBeUndefined()

    await publish('p1', [])
    expect((await relay({})).results.map((r) => r.flavor.flavorID)).toEqual(['p2.local-k8slice-c'])
  })

  async function setup() {
    const table = await createTestTable('catalog-listing')
    const config = loadConfig({ REAR_ROLE: 'catalog', PARTICIPANT_ID: 'catalog', PARTICIPANT_DOMAIN: 'catalog.local', TABLE_NAME: table.tableName })
    const participant = composeParticipant(config, { table, logger: new RecordingLogger() })
    const app = createApp(participant.app)
    const publish = async (publisher: string, flavours: [string, string][]) => {
      const owner = aProvider({ id: publisher, domain: `${publisher}.local` })
      await participant.discovery.peers.put(aPeer({ id: publisher, role: 'node' }))
      await acceptPublication(
        { ...participant.app.publication!, logger: new RecordingLogger() },
        publisher,
        flavours.map(([id, amount]) => aK8SliceFlavour({ id, owner, price: { amount, currency: 'EUR', period: 'hourly' } })),
      )
    }
    const relay = async (page: { limit?: number; cursor?: string | undefined }) => {
      const body = { type: 'k8slice', selector: '', visited: ['asker'], hopsLeft: 0, correlationId: 'corr-catalog', budgetMs: 1000, ...page }
      const res = await app.request('/rear/v1/relay/list-flavours', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      expect(res.status).toBe(200)
      return (await res.json()) as { results: { flavor: { flavorID: string } }[]; nextCursor?: string }
    }
    return { publish, relay }
  }
})
