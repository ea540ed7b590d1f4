import type { Topology } from './topology.ts'

/** What a discovery from one participant can touch within the hop limit, from the peer graph alone. */
export interface Reach {
  /** Undirected peer links a relay may cross within the hop limit. */
  edges: number
  /** Relay requests a flood with a per-path visited list sends: one per simple path within the hop limit (capped at `PATH_CAP`). */
  paths: number
  /** Participants that may be asked at least once. */
  participants: number
}

export const PATH_CAP = 10_000_000

/** Per supernode or catalog, the providers whose publication there answers for them: by default every provider that publishes to it. */
export type Publishers = ReadonlyMap<string, ReadonlySet<string>>

export function publishersOf(topology: Topology): Publishers {
  const publishers = new Map<string, Set<string>>()
  for (const p of topology.participants.values()) {
    for (const aggregator of p.publishesTo) publishers.set(aggregator, (publishers.get(aggregator) ?? new Set()).add(p.id))
  }
  return publishers
}

/**
 * The peer graph as discovery walks it: the asker and every supernode or catalog fan out while hops
 * remain, each to the peers it knows except those whose own publication answers for them (a
 * provider with nothing left to offer publishes nothing, so its aggregator asks it instead).
 */
export function reachOf(topology: Topology, origin: string, hopLimit: number, publishers: Publishers = publishersOf(topology)): Reach {
  const targets = (id: string) => {
    const excluded = publishers.get(id)
    return topology.participants.get(id)!.knows.filter((peer) => !excluded?.has(peer))
  }
  const fansOut = (id: string) => id === origin || topology.participants.get(id)!.role !== 'node'

  const distance = new Map<string, number>([[origin, 0]])
  const edges = new Set<string>()
  const queue = [origin]
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head]!
    const d = distance.get(at)!
    if (d >= hopLimit || !fansOut(at)) continue
    for (const peer of targets(at)) {
      edges.add(at < peer ? `${at}|${peer}` : `${peer}|${at}`)
      if (!distance.has(peer)) {
        distance.set(peer, d + 1)
        queue.push(peer)
      }
    }
  }

  let paths = 0
  const onPath = new Set<string>([origin])
  const walk = (at: string, hopsLeft: number) => {
    for (const peer of targets(at)) {
      if (onPath.has(peer) || paths >= PATH_CAP) continue
      paths++
      if (hopsLeft - 1 > 0 && fansOut(peer)) {
        onPath.add(peer)
        walk(peer, hopsLeft - 1)
        onPath.delete(peer)
      }
    }
  }
  walk(origin, hopLimit)
  return { edges: edges.size, paths, participants: distance.size - 1 }
}
