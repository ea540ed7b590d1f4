import { ContentionError } from '../../core/shared/errors.ts'
import type { Allocation } from '../../core/allocations/model.ts'
import type { Contract } from '../../core/contracts/model.ts'
import type { Hop } from '../../core/chain/model.ts'
import type { HopEffects, HopRepository, NetworkEvent } from '../../core/chain/ports.ts'
import { dueAt } from '../../core/chain/sweep-chains.ts'
import { copy } from './in-memory-provider-store.ts'

/** In-memory fake of the hop repository with the same guards as DynamoDB; `failNextSave` injects contention. */
export class InMemoryHops implements HopRepository {
  readonly hops = new Map<string, Hop>()
  /** Pass the provider store's contracts so hop contracts are readable as contracts, as they are in DynamoDB's one table. */
  constructor(
    readonly contracts = new Map<string, Contract>(),
    readonly allocations = new Map<string, Allocation>(),
  ) {}

  readonly events = new Map<string, NetworkEvent>()
  private contention = 0

  failNextSave(times = 1): void {
    this.contention += times
  }

  async get(chainId: string) {
    const hop = this.hops.get(chainId)
    return hop ? copy(hop) : undefined
  }

  async listDue(now: Date, limit: number) {
    return [...this.hops.values()]
      .flatMap((hop) => {
        const due = dueAt(hop)
        return due && due <= now ? [{ hop, due }] : []
      })
      .sort((a, b) => a.due.getTime() - b.due.getTime())
      .slice(0, limit)
      .map(({ hop }) => copy(hop))
  }

  private apply(effects: HopEffects = {}) {
    for (const [map, item] of [
      [this.contracts, effects.contract],
      [this.allocations, effects.allocation],
      [this.events, effects.networkEvent],
    ] as const) {
      if (item && (map as Map<string, unknown>).has(item.id)) throw new ContentionError()
    }
    if (effects.contract) this.contracts.set(effects.contract.id, copy(effects.contract))
    if (effects.allocation) this.allocations.set(effects.allocation.id, copy(effects.allocation))
    if (effects.networkEvent) this.events.set(effects.networkEvent.id, copy(effects.networkEvent))
    if (effects.releasedAllocation) {
      const released = this.allocations.get(effects.releasedAllocation.id)
      if (!released) throw new ContentionError()
      Object.assign(released, { status: 'released', updatedAt: effects.releasedAllocation.at })
    }
    if (effects.releasedContract) {
      const contract = this.contracts.get(effects.releasedContract.id)
      if (!contract) throw new ContentionError()
      Object.assign(contract, { status: 'released', releasedAt: effects.releasedContract.at })
    }
    if (effects.allocationStatus) {
      const { id, status, at, detail } = effects.allocationStatus
      const allocation = this.allocations.get(id)
      if (!allocation || allocation.status === 'released') throw new ContentionError()
      Object.assign(allocation, { status, updatedAt: at, detail })
    }
  }

  async create(hop: Hop, effects?: HopEffects) {
    if (this.hops.has(hop.chainId)) return false
    this.apply(effects)
    this.hops.set(hop.chainId, copy(hop))
    return true
  }

  async save(hop: Hop, expectedVersion: number, effects?: HopEffects) {
    if (this.contention > 0) {
      this.contention--
      throw new ContentionError()
    }
    if (this.hops.get(hop.chainId)?.version !== expectedVersion) throw new ContentionError()
    this.apply(effects)
    this.hops.set(hop.chainId, copy(hop))
  }
}
