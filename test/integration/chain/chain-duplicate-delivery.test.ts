import { describe, expect, it } from 'vitest'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { composeParticipant } from '../../../functions/composition.ts'
import { loadConfig } from '../../../functions/config.ts'
import { processChainBatch } from '../../../functions/queues/chain-batch.ts'
import { silentLogger } from '../../../adapters/logging/json-logger.ts'
import { chainMessageToWire } from '../../../core/wire/chain-codec.ts'
import type { ChainDeps } from '../../../core/chain/chain-deps.ts'
import type { ChainMessage } from '../../../core/chain/model.ts'
import { startChain } from '../../../core/chain/start-chain.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { aK8SliceFlavour, aPeer, aProvider } from '../../support/factories.ts'
import type { TableContext } from '../../../adapters/dynamo/document-client.ts'

const HOPS = ['consumer-node', 'consumer-supernode', 'provider-supernode', 'provider-node']

describe('chain queue handlers on DynamoDB Local', () => {
  it('have no second effect when SQS delivers every message twice', async () => {
    const { participants, sends, scan, start, deliverAll } = await setup()
    const origin = await start()
    await deliverAll()
    for (const id of HOPS) expect((await participants.get(id)!.chain.hops.get(origin.chainId))?.state, id).toBe('purchased')
    const perMessage = new Map<string, number>()
    for (const id of sends) perMessage.set(id, (perMessage.get(id) ?? 0) + 1)
    expect([...perMessage.values()].every((n) => n === 1)).toBe(true)
    for (const id of HOPS.slice(0, 3)) expect(await scan(id, 'contract'), id).toHaveLength(1)
    expect(await scan('provider-node', 'contract')).toHaveLength(1)
    expect(await scan('consumer-node', 'allocation')).toHaveLength(1)
    expect(await scan('provider-node', 'allocation')).toHaveLength(1)
    for (const id of HOPS) expect(await scan(id, 'network-event'), id).toHaveLength(1)
  })

  async function setup() {
    const participants = new Map<string, { chain: ChainDeps; table: TableContext }>()
    const sends: string[] = []
    const pending: { to: string; message: ChainMessage }[] = []
    const deliverTwice = async (to: string, message: ChainMessage) => {
      const record = { messageId: `${message.id}@${to}`, body: JSON.stringify(chainMessageToWire(message)) }
      const target = participants.get(to)!.chain
      for (let i = 0; i < 2; i++) expect((await processChainBatch(target, [record])).batchItemFailures).toEqual([])
    }
    for (const [i, id] of HOPS.entries()) {
      const table = await createTestTable(id)
      const config = loadConfig({ PARTICIPANT_ID: id, PARTICIPANT_DOMAIN: i < 2 ? 'consumer.local' : 'provider.local', TABLE_NAME: table.tableName, LIQO_CLUSTER_ID: `liqo-${id}` })
      const composed = composeParticipant(config, { table, logger: silentLogger })
      const chain: ChainDeps = {
        ...composed.chain,
        transport: {
          send: async (peer, message) => {
            sends.push(message.id)
            pending.push({ to: peer.id, message })
          },
        },
        queue: { enqueue: async () => {} },
        agent: { send: async () => {} },
      }
      participants.set(id, { chain, table })
      for (const other of [HOPS[i - 1], HOPS[i + 1]]) {
        if (other) await composed.discovery.peers.put(aPeer({ id: other, domain: other, role: 'supernode' }))
      }
      if (id === 'provider-node') await publishFlavour(composed.app.provider.flavours, aK8SliceFlavour({ owner: aProvider({ id, domain: 'provider.local' }) }))
      if (id === 'consumer-node') {
        const now = new Date()
        await composed.discovery.candidates.put([
          { flavour: aK8SliceFlavour({ owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) }), route: HOPS.slice(1), seenAt: now, expiresAt: new Date(now.getTime() + 60_000) },
        ])
      }
    }
    const scan = async (id: string, kind: string) => {
      const { table } = participants.get(id)!
      const items = (await table.client.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true }))).Items ?? []
      return items.filter((item) => item.kind === kind)
    }
    const consumer = participants.get('consumer-node')!
    const candidates = (await import('../../../adapters/dynamo/dynamo-remote-flavour-repository.ts')).DynamoRemoteFlavourRepository
    const start = () =>
      startChain(
        { ...consumer.chain, candidates: new candidates(consumer.table, 'CAND') },
        { flavourId: 'provider.local-k8slice-0001', providerId: 'provider-node', configuration: { type: 'k8slice', cpu: Quantity.parse('1'), memory: Quantity.parse('1Gi'), pods: Quantity.parse('1') } },
      )
    const deliverAll = async () => {
      for (let i = 0; i < 100 && pending.length; i++) {
        const next = pending.shift()!
        await deliverTwice(next.to, next.message)
      }
    }
    return { participants, sends, scan, start, deliverAll }
  }
})
