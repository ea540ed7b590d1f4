import { describe, expect, it } from 'vitest'
import { DynamoRelayVisits } from '../../../adapters/dynamo/dynamo-relay-visits.ts'
import { DynamoRemoteFlavourRepository } from '../../../adapters/dynamo/dynamo-remote-flavour-repository.ts'
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { InMemoryRelayVisits } from '../../../core/discovery/relay-visits.ts'
import type { RelayVisit, RelayVisits } from '../../../core/discovery/ports.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { aRemoteFlavour } from '../../support/factories.ts'

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms)

const visit = (hopsLeft: number, overrides: Partial<RelayVisit> = {}): RelayVisit => ({
  correlationId: 'corr-1',
  search: '["k8slice",["cpu","range","2",""]]',
  hopsLeft,
  expiresAt: at(2_100),
  ...overrides,
})

const implementations: { name: string; create: () => Promise<RelayVisits> }[] = [
  { name: 'memory', create: async () => new InMemoryRelayVisits() },
  { name: 'DynamoDB', create: async () => new DynamoRelayVisits(await createTestTable('relay')) },
]

describe.each(implementations)('relay visits on $name', ({ create }) => {
  it('admits a search once, a repeat with no more hops left never, one with more hops again', async () => {
    const { visits } = await setup()
    expect(await visits.firstVisit(visit(2), at(0))).toBe(true)
    expect(await visits.firstVisit(visit(2), at(10))).toBe(false)
    expect(await visits.firstVisit(visit(1), at(20))).toBe(false)
    expect(await visits.firstVisit(visit(3, { expiresAt: at(2_200) }), at(30))).toBe(true)
    expect(await visits.firstVisit(visit(3), at(40))).toBe(false)
  })

  it('keeps searches apart by correlation id and by what was asked, a selector text of any length included', async () => {
    const { visits } = await setup()
    expect(await visits.firstVisit(visit(2), at(0))).toBe(true)
    expect(await visits.firstVisit(visit(2, { correlationId: 'corr-2' }), at(0))).toBe(true)
    expect(await visits.firstVisit(visit(2, { search: `["k8slice",${'["x","match","y"],'.repeat(200)}[]]` }), at(0))).toBe(true)
  })

  it('serves a search anew once its visit expired', async () => {
    const { visits } = await setup()
    expect(await visits.firstVisit(visit(2), at(0))).toBe(true)
    expect(await visits.firstVisit(visit(2, { expiresAt: at(4_300) }), at(2_100))).toBe(true)
    expect(await visits.firstVisit(visit(2), at(2_200))).toBe(false)
  })

  it('lets exactly one of concurrent equal visits win', async () => {
    const { visits } = await setup()
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => visits.firstVisit(visit(2), at(0))))
    expect(outcomes.filter(Boolean)).toHaveLength(1)
  })

  async function setup() {
    return { visits: await create() }
  }
})

describe('learnt answers on DynamoDB', () => {
  it('keep the hops left and the peers skipped they were learnt with', async () => {
    const { candidates } = await setup()
    const learnt = aRemoteFlavour({ learntIn: { selector: 'k8slice', at: at(0), results: 1, hops: 3, skipped: ['sn-c', 'sn-d'] } })
    await candidates.put([learnt])
    expect(await candidates.listFresh('k8slice', at(0))).toEqual([learnt])
  })

  it('read one stored before hops were as learnt with none (so it stands for no further search)', async () => {
    const { candidates, table } = await setup()
    const learnt = aRemoteFlavour({ learntIn: { selector: 'k8slice', at: at(0), results: 1, hops: 3, skipped: ['sn-c'] } })
    await candidates.put([learnt])
    const [item] = (await table.client.send(new ScanCommand({ TableName: table.tableName }))).Items ?? []
    const { learntHops: _hops, learntSkipped: _skipped, ...older } = item!
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: older }))
    const [read] = await candidates.listFresh('k8slice', at(0))
    expect(read?.learntIn).toEqual({ selector: 'k8slice', at: at(0), results: 1, hops: 0, skipped: [] })
  })

  async function setup() {
    const table = await createTestTable('learnt')
    return { table, candidates: new DynamoRemoteFlavourRepository(table, 'CAND') }
  }
})
