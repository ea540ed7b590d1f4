import type { IndexRowSource, ListedRow } from '../../core/catalog/indexed-listing.ts'
import type { RemoteFlavour } from '../../core/discovery/model.ts'
import { SUPPORTED_FLAVOUR_TYPES } from '../../core/flavours/model.ts'
import { batchGet } from './batch-get.ts'
import type { TableContext } from './document-client.ts'
import { flavourFromWireText } from './item-mappers.ts'
import { queryIndexPartition } from './query-index.ts'
import { index, key } from './table-schema.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

interface PublishedPayload {
  wire: string
  route: string[]
  seenAt: string
  expiresAt: string
}

function rowOf(item: Record<string, unknown>): ListedRow {
  const payload: PublishedPayload = { wire: item.wire as string, route: item.route as string[], seenAt: item.seenAt as string, expiresAt: item.expiresAt as string }
  return { flavour: flavourFromWireText(payload.wire), payload: encoder.encode(JSON.stringify(payload)) }
}

/** A published row as discovery uses it. */
export function publishedFromPayload(bytes: Uint8Array): RemoteFlavour {
  const payload = JSON.parse(decoder.decode(bytes)) as PublishedPayload
  return { flavour: flavourFromWireText(payload.wire), route: payload.route, seenAt: new Date(payload.seenAt), expiresAt: new Date(payload.expiresAt) }
}

const PREFIX = 'PUB#'

/** Flavours published to a supernode or catalog, one row per (provider, flavour) key, expired ones included until swept. */
export class PublishedFlavourRows implements IndexRowSource {
  constructor(private readonly table: TableContext) {}

  async load(keys: readonly string[]): Promise<Map<string, ListedRow | undefined>> {
    const items = await batchGet(this.table, keys.map((k) => key.remoteFlavour('PUB', k)))
    const rows = new Map<string, ListedRow | undefined>(keys.map((k) => [k, undefined]))
    for (const item of items) rows.set((item.pk as string).slice(PREFIX.length), rowOf(item))
    return rows
  }

  async loadAll(): Promise<Map<string, ListedRow>> {
    const items = (await Promise.all(SUPPORTED_FLAVOUR_TYPES.map((type) => queryIndexPartition(this.table, index.remoteFlavours('PUB', type))))).flat()
    return new Map(items.map((item) => [(item.pk as string).slice(PREFIX.length), rowOf(item)]))
  }
}
