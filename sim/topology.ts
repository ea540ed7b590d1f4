import type { Flavour } from '../core/flavours/model.ts'
import type { K8SliceSelector } from '../core/flavours/selector.ts'
import type { Role } from '../core/peers/model.ts'
import { Quantity } from '../core/quantity/quantity.ts'
import { aK8SliceFlavour } from '../test/support/factories.ts'
import type { SimulationOptions } from './options.ts'
import { catalogCount } from './options.ts'
import { SeededRandom } from './random.ts'

export type Kind = 'supernode' | 'catalog' | 'provider' | 'consumer'

export interface SimParticipant {
  id: string
  kind: Kind
  role: Role
  domain: string
  /** Its peer registry: who it may ask (discovery) and forward chain messages to. */
  knows: string[]
  /** Supernodes and catalogs this provider publishes its flavours to (each knows it). */
  publishesTo: string[]
  flavours: Flavour[]
}

/** What one consumer looks for (at least `cpu` CPUs and `memoryGi` GiB), and buys: that much of the cheapest match. */
export interface Want {
  consumer: string
  selector: K8SliceSelector
  cpu: number
  memoryGi: number
}

export interface Topology {
  participants: Map<string, SimParticipant>
  supernodes: string[]
  catalogs: string[]
  providers: string[]
  consumers: string[]
  /** Undirected peer links (a knows b, b knows a, or both, counted once). */
  links: number
  /** Undirected links between supernodes. */
  supernodeLinks: number
  /** Round trip of one call over the link between `a` and `b`, in virtual ms. */
  latency(a: string, b: string): number
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')
const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`)

/**
 * A seeded federation: one supernode per domain peered with other supernodes in a random sparse
 * connected graph (a random tree plus random extra links up to the mean degree), a few catalogs that
 * about half the supernodes ask, and nodes spread over the domains; four in ten nodes are providers
 * that publish one to three K8Slice flavours to their supernode (and half of them to a catalog too),
 * the others consumers that know their supernode. Providers know their aggregators (which is whom
 * `publishToAggregators` sends to) but, being nodes, never relay.
 */
export function buildTopology(options: SimulationOptions): Topology {
  const root = new SeededRandom(options.seed)
  const [shape, goods, wire] = [root.fork(), root.fork(), root.fork()]
  const width = String(options.domains).length
  const participants = new Map<string, SimParticipant>()
  const add = (id: string, kind: Kind, domain: string) => {
    const role: Role = kind === 'supernode' || kind === 'catalog' ? kind : 'node'
    participants.set(id, { id, kind, role, domain, knows: [], publishesTo: [], flavours: [] })
    return participants.get(id)!
  }
  const know = (a: string, b: string) => {
    const from = participants.get(a)!
    if (!from.knows.includes(b)) from.knows.push(b)
  }
  const domains = Array.from({ length: options.domains }, (_, i) => `d${pad(i + 1, width)}.sim`)
  const supernodes = domains.map((domain, i) => add(`sn-${pad(i + 1, width)}`, 'supernode', domain).id)
  const catalogs = Array.from({ length: catalogCount(options) }, (_, i) => add(`cat-${pad(i + 1, 2)}`, 'catalog', 'catalogs.sim').id)

  const linked = new Set<string>()
  const link = (a: string, b: string) => {
    linked.add(pairKey(a, b))
    know(a, b)
    know(b, a)
  }
  for (let i = 1; i < supernodes.length; i++) link(supernodes[i]!, supernodes[shape.int(0, i - 1)]!)
  const possible = (supernodes.length * (supernodes.length - 1)) / 2
  const wanted = Math.min(possible, Math.round((supernodes.length * options.degree) / 2))
  while (linked.size < wanted) {
    const [a, b] = [shape.pick(supernodes), shape.pick(supernodes)]
    if (a !== b && !linked.has(pairKey(a, b))) link(a, b)
  }
  const supernodeLinks = linked.size
  for (const sn of supernodes) if (shape.chance(0.5)) know(sn, shape.pick(catalogs))

  const nodes = options.participants - supernodes.length - catalogs.length
  const providers: string[] = []
  const consumers: string[] = []
  for (let i = 0; i < nodes; i++) {
    const d = i % domains.length
    const nth = Math.floor(i / domains.length) + 1
    const provider = nth === 1 || (nth > 2 && shape.chance(0.4))
    const node = add(`${domains[d]!.replace('.sim', '')}-${provider ? 'p' : 'c'}${pad(nth, 3)}`, provider ? 'provider' : 'consumer', domains[d]!)
    const supernode = supernodes[d]!
    if (provider) {
      providers.push(node.id)
      const aggregators = shape.chance(0.5) ? [supernode, shape.pick(catalogs)] : [supernode]
      for (const aggregator of aggregators) {
        node.publishesTo.push(aggregator)
        know(aggregator, node.id)
        know(node.id, aggregator)
      }
      node.flavours = flavoursOf(node, goods)
    } else {
      consumers.push(node.id)
      know(node.id, supernode)
    }
  }

  const latencies = new Map<string, number>()
  for (const p of participants.values()) {
    for (const other of p.knows) {
      const key = pairKey(p.id, other)
      if (!latencies.has(key)) latencies.set(key, options.latencyMs * (1 + wire.between(-options.jitter, options.jitter)))
    }
  }
  return {
    participants,
    supernodes,
    catalogs,
    providers,
    consumers,
    links: latencies.size,
    supernodeLinks,
    latency: (a, b) => latencies.get(pairKey(a, b)) ?? options.latencyMs,
  }
}

const CPUS = [4, 8, 16, 32]

function flavoursOf(node: SimParticipant, random: SeededRandom): Flavour[] {
  const owner = { id: node.id, ip: `${node.id}:1`, domain: node.domain }
  return Array.from({ length: random.int(1, 3) }, (_, k) => {
    const cpu = random.pick(CPUS)
    const gpu = random.chance(0.1) ? { model: 'nvidia-a100', cores: String(random.int(1, 4)), memory: '80Gi' } : undefined
    return aK8SliceFlavour({
      id: `${node.id}-k8slice-${pad(k + 1, 2)}`,
      owner,
      cpu: String(cpu),
      memory: `${cpu * random.pick([2, 4])}Gi`,
      architecture: random.chance(0.9) ? 'amd64' : 'arm64',
      ...(gpu ? { gpu } : {}),
      price: { amount: (cpu * random.between(0.004, 0.02)).toFixed(3), currency: 'EUR', period: 'hourly' },
    })
  })
}

/** Which consumers discover, in order (round the list again when more are asked than there are), and what each wants. */
export function wantsOf(topology: Topology, options: SimulationOptions): Want[] {
  const random = new SeededRandom(options.seed ^ 0x5bd1e995)
  const order = random.sample(topology.consumers, topology.consumers.length)
  return Array.from({ length: options.consumers }, (_, i) => {
    const cpu = random.pick([4, 8, 16])
    const memoryGi = cpu * 4
    const selector: K8SliceSelector = {
      type: 'k8slice',
      quantities: { cpu: { kind: 'range', min: Quantity.parse(String(cpu)) }, memory: { kind: 'range', min: Quantity.parse(`${memoryGi}Gi`) } },
      strings: { architecture: { kind: 'match', value: random.chance(0.9) ? 'amd64' : 'arm64' } },
    }
    return { consumer: order[i % order.length]!, selector, cpu, memoryGi }
  })
}
