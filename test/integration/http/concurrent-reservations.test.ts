import { describe, expect, it } from 'vitest'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { createTestParticipant } from '../../support/test-participant.ts'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { aK8SliceFlavour } from '../../support/factories.ts'

const reserveBody = (buyer: string) => ({
  flavorID: 'provider.local-k8slice-0001',
  buyerID: { ID: buyer, IP: '127.0.0.1:30000', domain: 'consumer.local', additionalInformation: { liqoID: `liqo-${buyer}` } },
  configuration: { type: 'k8slice', data: { cpu: '1', memory: '1Gi', pods: '1' } },
})

describe('concurrent reservations on one flavour', () => {
  it('grants exactly what fits to 200 concurrent buyers, and the purchases never exceed capacity', async () => {
    const { post, scan } = await setup()
    const reserves = await Promise.all(Array.from({ length: 200 }, (_, i) => post('/api/v2/reservations', reserveBody(`buyer-${i}`))))
    const granted = reserves.filter((r) => r.status === 200)
    expect(granted).toHaveLength(16)
    expect(reserves.filter((r) => r.status === 409)).toHaveLength(184)
    expect(reserves.every((r) => r.status === 200 || r.status === 409)).toBe(true)

    const purchases = await Promise.all(granted.map((r) => post(`/api/v2/transactions/${r.body.transactionID}/purchase`, {})))
    expect(purchases.map((p) => p.status)).toEqual(granted.map(() => 200))
    const items = await scan()
    const contracts = items.filter((i) => i.kind === 'contract')
    expect(contracts).toHaveLength(16)
    const soldCpu = contracts
      .map((c) => Quantity.parse(JSON.parse(c.wire as string).configuration.data.cpu))
      .reduce((sum, q) => sum.add(q), Quantity.zero())
    expect(soldCpu.cmp(Quantity.parse('16'))).toBe(0)
    expect(items.filter((i) => i.kind === 'flavour' && !i.retired)).toHaveLength(0)
  })

  it('gives concurrent duplicates of one buyer a single transaction', async () => {
    const { post, scan } = await setup()
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('/api/v2/reservations', reserveBody('same-buyer'))))
    expect(new Set(answers.map((a) => a.body.transactionID)).size).toBe(1)
    expect((await scan()).filter((i) => i.kind === 'transaction')).toHaveLength(1)
  })

  async function setup() {
    const { app, table } = await createTestParticipant()
    const flavour = aK8SliceFlavour({ cpu: '16', memory: '32Gi', pods: '110' })
    await app.request('/admin/v1/flavours', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(flavourToWire(flavour)) })
    const post = async (path: string, body: unknown) => {
      const res = await app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } })
      return { status: res.status, body: (await res.json()) as { transactionID?: string; code?: string } }
    }
    const scan = async () => (await table.client.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true }))).Items ?? []
    return { post, scan }
  }
})
