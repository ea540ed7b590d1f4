import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { describe, expect, inject, it } from 'vitest'
import { WarmIndex, compactIndex } from '../../../core/catalog/indexed-listing.ts'
import type { Flavour } from '../../../core/flavours/model.ts'
import { isK8Slice } from '../../../core/flavours/model.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { flavourFromWire } from '../../../core/wire/flavour-codec.ts'
import { composeParticipant } from '../../../functions/composition.ts'
import { createApp } from '../../../functions/http/create-app.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/emulators.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { aK8SliceFlavour } from '../../support/factories.ts'
import type { WriterOrder } from '../../support/listing-writer.ts'
import { listingParticipantEnv } from '../../support/listing-participant.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'

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
    const deps = participant.listingIndex!
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
    if (options.snapshots) await new S3Client({ ...s3, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }))
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
