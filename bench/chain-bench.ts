import { randomUUID } from 'node:crypto'
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { createSqsClient } from '../adapters/sqs/sqs-client.ts'
import { transactWrite } from '../adapters/dynamo/transact.ts'
import type { Emulators } from '../local/emulators.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/emulators.ts'
import { DEFAULT_FEDERATION } from '../local/federation.ts'
import { startFederation } from '../local/federation-runtime.ts'
import { freePort } from '../local/free-port.ts'
import { ensureParticipantQueues } from '../local/sqs-queues.ts'
import { sampleFlavours } from '../test/support/sample-flavours.ts'
import { publishFlavour } from '../core/flavours/publish-flavour.ts'
import { publishToAggregators } from '../core/discovery/publish-to-aggregators.ts'
import { Quantity } from '../core/quantity/quantity.ts'
import type { Figure } from './stats.ts'
import { percentile, progress, timeEach } from './stats.ts'

const CHAINS = 100
/** RESERVE, RESERVE_OK, PURCHASE and PURCHASE_OK over three links. */
const MESSAGES_PER_CHAIN = 12
/**
 * The provider's own work: reserve reads the flavour and the buyer key and commits the hold; purchase
 * reads the transaction, the pool and the current flavour and commits the contract.
 */
const PROVIDER_READS = 5
const PROVIDER_TRANSACTIONS = 2

/** One sample of each unavoidable round trip, taken between chains so both see the same conditions. */
async function baselineSampler(emulators: Emulators, table: Parameters<typeof transactWrite>[0]) {
  const sqs = createSqsClient({ endpoint: emulators.sqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
  const { chain: queue } = await ensureParticipantQueues(sqs, `bench-baseline-${randomUUID().slice(0, 8)}`)
  const samples = { sqs: [] as number[], get: [] as number[], write: [] as number[] }
  let n = 0
  const time = async (into: number[], fn: () => Promise<unknown>) => {
    const started = performance.now()
    await fn()
    into.push(performance.now() - started)
  }
  return {
    samples,
    async sample() {
      await time(samples.sqs, async () => {
        await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: '{}' }))
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue, WaitTimeSeconds: 1 }))
        for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queue, ReceiptHandle: m.ReceiptHandle! }))
      })
      await time(samples.get, () => table.client.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'none', sk: 'none' } })))
      const i = n++
      await time(samples.write, () =>
        transactWrite(table, [
          { Put: { TableName: table.tableName, Item: { pk: `BENCH#${i}`, sk: 'A' } } },
          { Put: { TableName: table.tableName, Item: { pk: `BENCH#${i}`, sk: 'B' } } },
        ]),
      )
    },
    close: () => sqs.destroy(),
  }
}

/**
 * Reserve + purchase over four participants, end to end, against the sum of its unavoidable round trips.
 * The federation runs without fake clusters or agents (`clusters: false`): the bench seeds the flavour
 * it buys, and agents' scans and publications would only add noise.
 */
export async function benchChain(emulators: Emulators, chains = CHAINS): Promise<Figure[]> {
  const participants = await Promise.all(DEFAULT_FEDERATION.map(async (p) => ({ ...p, port: await freePort() })))
  const federation = await startFederation({ participants, emulators, clusters: false, tablePrefix: `bench-chain-${randomUUID().slice(0, 8)}` })
  try {
    const url = (id: string) => federation.participants.find((p) => p.spec.id === id)!.url
    const consumerTable = federation.participants.find((p) => p.spec.id === 'consumer-node')!.table
    const sampler = await baselineSampler(emulators, consumerTable)
    const provider = federation.participants.find((p) => p.spec.id === 'provider-node')!.participant
    const [template] = sampleFlavours(provider.self, new Date())
    const big = { ...template!, id: 'provider.local-k8slice-b001' }
    if (big.spec.type === 'k8slice') big.spec = { ...big.spec, characteristics: { ...big.spec.characteristics, cpu: Quantity.parse('256'), memory: Quantity.parse('1Ti'), pods: Quantity.parse('1000') } }
    await publishFlavour(provider.app.provider.flavours, big)
    await publishToAggregators(provider.publish)
    progress(`${chains} chains, reserve + purchase over 4 participants, one after another`)
    const order = { providerID: 'provider-node', configuration: { type: 'k8slice', data: { cpu: '1', memory: '1Gi', pods: '1' } } }
    /** A purchase retires the flavour and every hop of its route forgets it: publish the remainder and discover it again, untimed. */
    const discover = async (): Promise<string> => {
      await publishToAggregators(provider.publish)
      const res = await fetch(`${url('consumer-node')}/discovery/v1/flavors/k8slice?filter[cpu][range][min]=128&fresh=true`)
      const found = (await res.json()) as { candidates: { providerID: string; flavor: { flavorID: string } }[] }
      const candidate = found.candidates.find((c) => c.providerID === 'provider-node')
      if (!candidate) throw new Error(`discovery found no flavour to buy: ${JSON.stringify(found)}`)
      return candidate.flavor.flavorID
    }
    const runChain = async (flavorID: string) => {
      const res = await fetch(`${url('consumer-node')}/chain/v1/operations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...order, flavorID }) })
      if (res.status !== 202) throw new Error(`chain not started: ${res.status} ${await res.text()}`)
      const started = (await res.json()) as { operationId: string }
      for (;;) {
        const view = (await (await fetch(`${url('consumer-node')}/chain/v1/operations/${started.operationId}`)).json()) as { state: string }
        if (view.state === 'purchased') return
        if (view.state === 'failed') throw new Error(`chain ${started.operationId} failed: ${JSON.stringify(view)}`)
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    }
    const durations: number[] = []
    for (let i = 0; i < chains; i++) {
      const flavorID = await discover()
      durations.push((await timeEach(1, () => runChain(flavorID)))[0]!)
      await sampler.sample()
    }
    sampler.close()
    const base = { sqs: percentile(sampler.samples.sqs, 50), get: percentile(sampler.samples.get, 50), write: percentile(sampler.samples.write, 50) }
    const unavoidable = MESSAGES_PER_CHAIN * (base.sqs + base.get + base.write) + PROVIDER_READS * base.get + PROVIDER_TRANSACTIONS * base.write
    const p50 = percentile(durations, 50)
    const p99 = percentile(durations, 99)
    return [
      { name: 'baseline: SQS send + receive + delete, p50', value: base.sqs, unit: 'ms' },
      { name: 'baseline: DynamoDB 2-item TransactWriteItems, p50', value: base.write, unit: 'ms' },
      { name: 'baseline: DynamoDB GetItem, p50', value: base.get, unit: 'ms' },
      { name: `baseline: ${MESSAGES_PER_CHAIN} × (SQS trip + GetItem + TransactWrite) + provider's ${PROVIDER_READS} reads and ${PROVIDER_TRANSACTIONS} commits`, value: unavoidable, unit: 'ms' },
      { name: 'chain reserve + purchase over 4 participants, p50', value: p50, unit: 'ms', ratio: p50 / unavoidable, baseline: 'unavoidable round trips', goal: { max: 1.5, on: 'ratio' } },
      { name: 'chain reserve + purchase over 4 participants, p99', value: p99, unit: 'ms', ratio: p99 / unavoidable, baseline: 'unavoidable round trips' },
    ]
  } finally {
    await federation.stop()
  }
}
