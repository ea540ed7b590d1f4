import { DeleteCommand, GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb'
import type { Peer } from '../../core/peers/model.ts'
import type { PeerRepository } from '../../core/peers/ports.ts'
import type { TableContext } from './document-client.ts'
import { GSI1, index, key } from './table-schema.ts'

const toPeer = (item: Record<string, unknown>): Peer => ({
  id: item.id as string,
  domain: item.domain as string,
  role: item.role as Peer['role'],
  baseUrl: item.baseUrl as string,
  protocol: item.protocol as Peer['protocol'],
})

/** The peer registry on DynamoDB, listed through the `PEERS` index partition. */
export class DynamoPeerRepository implements PeerRepository {
  constructor(private readonly table: TableContext) {}

  async list(): Promise<Peer[]> {
    const peers: Peer[] = []
    const pages = paginateQuery(
      { client: this.table.client },
      {
        TableName: this.table.tableName,
        IndexName: GSI1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': GSI1.partition },
        ExpressionAttributeValues: { ':pk': index.peers },
      },
    )
    for await (const page of pages) peers.push(...(page.Items ?? []).map(toPeer))
    return peers
  }

  async get(id: string): Promise<Peer | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: key.peer(id) }))
    return Item ? toPeer(Item) : undefined
  }

  async put(peer: Peer): Promise<void> {
    await this.table.client.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...key.peer(peer.id), kind: 'peer', ...peer, gsi1pk: index.peers, gsi1sk: peer.id } }),
    )
  }

  async delete(id: string): Promise<void> {
    await this.table.client.send(new DeleteCommand({ TableName: this.table.tableName, Key: key.peer(id) }))
  }
}
