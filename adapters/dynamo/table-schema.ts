import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb'

/** Peering Candidates (`CAND`) and flavours published to this participant (`PUB`). */
export type RemoteKind = 'CAND' | 'PUB'

/** One table per participant (single-table design); see docs/architecture.md for the item layout. */
const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const
export const GSI1 = { name: 'gsi1', partition: 'gsi1pk', sort: 'gsi1sk' } as const
/** Epoch seconds after which DynamoDB may delete an item; cleanup only, never used for decisions. */
export const TTL_ATTRIBUTE = 'expireAt'

export const key = {
  flavour: (id: string) => ({ pk: `FLAVOUR#${id}`, sk: 'META' }),
  pool: (id: string) => ({ pk: `POOL#${id}`, sk: 'META' }),
  transaction: (id: string) => ({ pk: `TX#${id}`, sk: 'META' }),
  buyerKey: (buyerId: string, flavourId: string) => ({ pk: `TXKEY#${buyerId}#${flavourId}`, sk: 'META' }),
  contract: (id: string) => ({ pk: `CONTRACT#${id}`, sk: 'META' }),
  allocation: (id: string) => ({ pk: `ALLOC#${id}`, sk: 'META' }),
  peer: (id: string) => ({ pk: `PEER#${id}`, sk: 'META' }),
  remoteFlavour: (kind: RemoteKind, providerKey: string) => ({ pk: `${kind}#${providerKey}`, sk: 'META' }),
  publisherSet: (publisherId: string) => ({ pk: `PUBSET#${publisherId}`, sk: 'META' }),
  hop: (chainId: string) => ({ pk: `CHAIN#${chainId}`, sk: 'HOP' }),
  networkEvent: (id: string) => ({ pk: `NET#${id}`, sk: 'META' }),
} as const

/** The available-flavours index is spread over this many partitions, queried in parallel. */
export const FLAVOUR_INDEX_SHARDS = 8

/** A stable shard in [0, FLAVOUR_INDEX_SHARDS) for a flavour id (FNV-1a). */
export function flavourShard(id: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % FLAVOUR_INDEX_SHARDS
}

export const index = {
  availableFlavours: (type: string, shard: number) => `FLAVOURS#${type}#${shard}`,
  liveHolds: 'HOLDS',
  dueHops: 'HOPS#DUE',
  allocations: (status: string) => `ALLOCS#${status}`,
  peers: 'PEERS',
  remoteFlavours: (kind: RemoteKind, type: string) => `${kind}S#${type}`,
} as const

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partition, AttributeType: 'S' },
      { AttributeName: TABLE_KEYS.sort, AttributeType: 'S' },
      { AttributeName: GSI1.partition, AttributeType: 'S' },
      { AttributeName: GSI1.sort, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1.name,
        KeySchema: [
          { AttributeName: GSI1.partition, KeyType: 'HASH' },
          { AttributeName: GSI1.sort, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  }
}
