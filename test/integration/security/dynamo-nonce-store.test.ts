import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { describe, expect, it } from 'vitest'
import { DynamoNonceStore } from '../../../adapters/dynamo/dynamo-nonce-store.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'

const NOW = new Date('2026-11-23T12:00:00Z')
const UNTIL = new Date('2026-11-23T12:01:30Z')

describe('DynamoNonceStore', () => {
  it('claims a nonce once per key, stored as NONCE#<keyid>#<nonce> with expireAt', async () => {
    const { store, table } = await setup()

    expect(await store.claim('provider-node#k1', 'n-0123456789abcdef', UNTIL)).toBe(true)
    expect(await store.claim('provider-node#k1', 'n-0123456789abcdef', UNTIL)).toBe(false)
    expect(await store.claim('catalog#k1', 'n-0123456789abcdef', UNTIL)).toBe(true)
    const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'NONCE#provider-node#k1#n-0123456789abcdef', sk: 'META' } }))
    expect(Item).toMatchObject({ kind: 'nonce', expireAt: UNTIL.getTime() / 1000 })
  })

  it('lets exactly one of many concurrent claims of the same nonce win', async () => {
    const { store } = await setup()

    const results = await Promise.all(Array.from({ length: 10 }, () => store.claim('provider-node#k1', 'n-concurrent-000000', UNTIL)))

    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('takes a nonce again once its item is past expireAt but not yet removed by TTL', async () => {
    const { store, clock } = await setup()
    await store.claim('provider-node#k1', 'n-expired-00000000', UNTIL)
    clock.now = new Date(UNTIL.getTime() + 1000)

    expect(await store.claim('provider-node#k1', 'n-expired-00000000', new Date(UNTIL.getTime() + 90_000))).toBe(true)
  })
})

async function setup() {
  const table = await createTestTable('nonces')
  const clock = { now: NOW }
  const store = new DynamoNonceStore(table, () => clock.now)
  return { store, table, clock }
}
