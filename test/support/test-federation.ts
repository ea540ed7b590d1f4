import { randomUUID } from 'node:crypto'
import { inject } from 'vitest'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { startFederation } from '../../local/federation-runtime.ts'
import type { FederationOptions } from '../../local/federation-runtime.ts'
import { DEFAULT_FEDERATION } from '../../local/federation.ts'
import { freePort } from '../../local/free-port.ts'
import { sampleFlavours } from './sample-flavours.ts'

/**
 * The five-participant local federation on the shared emulators, on free ports and fresh tables.
 * By default without fake clusters and with the sellers seeded with the fixed-id sample flavours,
 * so tests can name them; `clusters: true` runs as `npm start` does: node participants get fake
 * clusters and agents (it resolves once every agent's first scan is published and the sellers have
 * published), and sellers only the sample service flavour unless `seedFlavours` says otherwise.
 */
export async function startTestFederation(options: Omit<FederationOptions, 'participants' | 'emulators' | 'tablePrefix'> = {}) {
  const participants = await Promise.all(DEFAULT_FEDERATION.map(async (p) => ({ ...p, port: await freePort() })))
  const federation = await startFederation({
    clusters: false,
    ...(options.clusters ? {} : { seedFlavours: sampleFlavours }),
    ...options,
    participants,
    emulators: { dynamoEndpoint: inject('dynamoEndpoint'), sqsEndpoint: inject('sqsEndpoint') },
    tablePrefix: `fed-${randomUUID().slice(0, 8)}`,
  })
  const at = (id: string) => federation.participants.find((p) => p.spec.id === id)!
  const url = (id: string) => at(id).url
  const scan = async (id: string, kind?: string) => {
    const { table } = at(id)
    const items = (await table.client.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true }))).Items ?? []
    return kind ? items.filter((i) => i.kind === kind) : items
  }
  /** One participant's view of an operation, and a wait until the consumer's hop reaches one of `states`. */
  const view = async <V extends { state: string }>(id: string, operationId: string) => (await (await fetch(`${url(id)}/chain/v1/operations/${operationId}`)).json()) as V
  const waitFor = async <V extends { state: string }>(operationId: string, states: string[], timeoutMs = 30_000): Promise<V> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const current = await view<V>('consumer-node', operationId)
      if (states.includes(current.state)) return current
      if (Date.now() > deadline) throw new Error(`operation ${operationId} is ${current.state}, not ${states.join('|')}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return { federation, at, url, scan, view, waitFor }
}
