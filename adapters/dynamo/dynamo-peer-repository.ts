import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import type { Peer } from '../../core/peers/model.ts'
import type { PeerRepository } from '../../core/peers/ports.ts'
import type { TableContext } from './document-client.ts'
import { index, key } from './table-schema.ts'
import { queryIndexPartition } from './query-index.ts'

const toPeer = (item: Record<string, unknown>): Peer => ({
  id: item.id as string,
  domain: item.domain as string,
  role: item.role as Peer['role'],
  baseUrl: item.baseUrl as string,
  protocol: item.protocol as Peer['protocol'],
  ...(Array.isArray(item.publicKeys) ? { publicKeys: item.publicKeys as NonNullable<Peer['publicKeys']> } : {}),
  ...(item.legacyUnsigned ? { legacyUnsigned: item.legacyUnsigned as NonNullable<Peer['legacyUnsigned']> } : {}),
})

/** How long a peer read is reused in this process; the registry changes rarely, and writes here refresh it. */
const CACHE_MS = 30_000

/** The peer registry on DynamoDB, listed through the `PEERS` index partition; single reads are cached briefly. */
export class DynamoPeerRepository implements PeerRepository {
  private readonly cache = new Map<string, { peer: Peer | undefined; until: number }>()

  constructor(private readonly table: TableContext) {}

  async list(): Promise<Peer[]> {
    return (await queryIndexPartition(this.table, index.peers)).map(toPeer)
  }

  async get(id: string): Promise<Peer | undefined> {
    const cached = this.cache.get(id)
    if (cached && cached.until > Date.now()) return cached.peer
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: key.peer(id) }))
    const peer = Item ? toPeer(Item) : undefined
    this.cache.set(id, { peer, until: Date.now() + CACHE_MS })
    return peer
  }

  async put(peer: Peer): Promise<void> {
    this.cache.delete(peer.id)
    await this.table.client.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...key.peer(peer.id), kind: 'peer', ...peer, gsi1pk: index.peers, gsi1sk: peer.id } }),
    )
  }

  async delete(id: string): Promise<void> {
    this.cache.delete(id)
    await this.table.client.send(new DeleteCommand({ TableName: this.table.tableName, Key: key.peer(id) }))
  }
}
