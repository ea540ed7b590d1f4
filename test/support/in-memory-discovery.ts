import type { SupportedFlavourType } from '../../core/flavours/model.ts'
import type { PendingPublication, RemoteFlavour } from '../../core/discovery/model.ts'
import { providerKey } from '../../core/discovery/model.ts'
import type { PublishedFlavourRepository } from '../../core/discovery/ports.ts'
import type { Peer } from '../../core/peers/model.ts'
import type { PeerRepository } from '../../core/peers/ports.ts'

/** Later `seenAt` wins among entries for one (provider, flavour); on a tie, the later in the list. */
function latestPerProvider(entries: readonly RemoteFlavour[]): RemoteFlavour[] {
  const latest = new Map<string, RemoteFlavour>()
  for (const entry of entries) {
    const key = providerKey(entry.flavour)
    const kept = latest.get(key)
    if (!kept || kept.seenAt <= entry.seenAt) latest.set(key, entry)
  }
  return [...latest.values()]
}

const byProviderKey = (a: RemoteFlavour, b: RemoteFlavour) => {
  const [x, y] = [providerKey(a.flavour), providerKey(b.flavour)]
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * In-memory fake of Peering Candidates or published flavours, kept like the DynamoDB adapter: listed
 * in (provider, flavour) order, and each publisher's set remembered as the keys it last published.
 */
export class InMemoryRemoteFlavours implements PublishedFlavourRepository {
  readonly entries = new Map<string, RemoteFlavour>()
  private readonly sets = new Map<string, string[]>()
  private readonly pending = new Map<string, PendingPublication>()

  async put(entries: readonly RemoteFlavour[]): Promise<void> {
    for (const entry of latestPerProvider(entries)) this.entries.set(providerKey(entry.flavour), entry)
  }

  async listFresh(type: SupportedFlavourType, now: Date): Promise<RemoteFlavour[]> {
    return [...this.entries.values()].filter((e) => e.flavour.spec.type === type && e.expiresAt > now).sort(byProviderKey)
  }

  async forget(providerId: string, flavourId: string): Promise<void> {
    this.entries.delete(`${providerId}#${flavourId}`)
  }

  async page(type: SupportedFlavourType, options: { limit: number; after?: string }): Promise<RemoteFlavour[]> {
    const after = options.after
    const listed = [...this.entries.values()].filter((e) => e.flavour.spec.type === type && (after === undefined || providerKey(e.flavour) > after))
    return listed.sort(byProviderKey).slice(0, options.limit)
  }

  async removeStale(now: Date): Promise<number> {
    const stale = [...this.entries].filter(([, e]) => e.expiresAt <= now)
    stale.forEach(([key]) => this.entries.delete(key))
    return stale.length
  }

  async replaceSet(publisherId: string, entries: readonly RemoteFlavour[], earlier: readonly string[] = []): Promise<{ withdrawn: number }> {
    const keep = new Set([...earlier, ...entries.map((e) => providerKey(e.flavour))])
    const gone = (this.sets.get(publisherId) ?? []).filter((key) => !keep.has(key))
    await this.put(entries)
    gone.forEach((key) => this.entries.delete(key))
    this.sets.set(publisherId, [...keep])
    this.pending.delete(publisherId)
    return { withdrawn: gone.length }
  }

  async pendingPublication(publisherId: string): Promise<PendingPublication | undefined> {
    const pending = this.pending.get(publisherId)
    return pending && { ...pending, keys: [...pending.keys] }
  }

  async putPart(publisherId: string, entries: readonly RemoteFlavour[], pending: PendingPublication): Promise<void> {
    await this.put(entries)
    this.pending.set(publisherId, { ...pending, keys: [...pending.keys] })
  }
}

export class InMemoryPeers implements PeerRepository {
  readonly peers = new Map<string, Peer>()

  constructor(peers: readonly Peer[] = []) {
    peers.forEach((p) => this.peers.set(p.id, p))
  }

  async list(): Promise<Peer[]> {
    return [...this.peers.values()]
  }

  async get(id: string): Promise<Peer | undefined> {
    return this.peers.get(id)
  }

  async put(peer: Peer): Promise<void> {
    this.peers.set(peer.id, { ...peer })
  }

  async delete(id: string): Promise<void> {
    this.peers.delete(id)
  }
}
