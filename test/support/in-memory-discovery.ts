import type { SupportedFlavourType } from '../../core/flavours/model.ts'
import type { RemoteFlavour } from '../../core/discovery/model.ts'
import { providerKey } from '../../core/discovery/model.ts'
import type { PublishedFlavourRepository } from '../../core/discovery/ports.ts'
import type { Peer } from '../../core/peers/model.ts'
import type { PeerRepository } from '../../core/peers/ports.ts'

export class InMemoryRemoteFlavours implements PublishedFlavourRepository {
  readonly entries = new Map<string, RemoteFlavour>()

  async put(entries: readonly RemoteFlavour[]): Promise<void> {
    for (const entry of entries) this.entries.set(providerKey(entry.flavour), entry)
  }

  async listFresh(type: SupportedFlavourType, now: Date): Promise<RemoteFlavour[]> {
    return [...this.entries.values()].filter((e) => e.flavour.spec.type === type && e.expiresAt > now)
  }

  async removeStale(now: Date): Promise<number> {
    const stale = [...this.entries].filter(([, e]) => e.expiresAt <= now)
    stale.forEach(([key]) => this.entries.delete(key))
    return stale.length
  }

  async replaceSet(publisherId: string, entries: readonly RemoteFlavour[]): Promise<{ withdrawn: number }> {
    const keep = new Set(entries.map((e) => providerKey(e.flavour)))
    const gone = [...this.entries].filter(([key, e]) => e.route[0] === publisherId && !keep.has(key))
    gone.forEach(([key]) => this.entries.delete(key))
    await this.put(entries)
    return { withdrawn: gone.length }
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
    this.peers.set(peer.id, peer)
  }

  async delete(id: string): Promise<void> {
    this.peers.delete(id)
  }
}
