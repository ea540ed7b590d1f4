import { describe, expect, it } from 'vitest'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { aK8SliceFlavour } from '../../support/factories.ts'
import { SimFederation } from '../../../sim/federation.ts'
import type { SimulationOptions } from '../../../sim/options.ts'
import { DEFAULT_OPTIONS } from '../../../sim/options.ts'
import { reachOf } from '../../../sim/reach.ts'
import { runDiscovery } from '../../../sim/run-simulation.ts'
import type { Kind, SimParticipant, Topology, Want } from '../../../sim/topology.ts'

/**
 * consumer → sn-a; sn-a, sn-b and sn-c peered in a triangle; the provider publishes to sn-c.
 * Within 4 hops: 4 edges ({c,a} {a,b} {a,c} {b,c}) but 5 simple paths (c→a, a→b, a→c, a→b→c, a→c→b).
 */
function triangle(): Topology {
  const participants = new Map<string, SimParticipant>()
  const add = (id: string, kind: Kind, knows: string[], publishesTo: string[] = []) =>
    participants.set(id, { id, kind, role: kind === 'supernode' ? 'supernode' : 'node', domain: `${id}.sim`, knows, publishesTo, flavours: [] })
  add('consumer', 'consumer', ['sn-a'])
  add('sn-a', 'supernode', ['sn-b', 'sn-c'])
  add('sn-b', 'supernode', ['sn-a', 'sn-c'])
  add('sn-c', 'supernode', ['sn-a', 'sn-b', 'provider'])
  add('provider', 'provider', ['sn-c'], ['sn-c'])
  participants.get('provider')!.domain = 'sn-c.sim'
  participants.get('provider')!.flavours = [aK8SliceFlavour({ id: 'provider-k8slice-01', owner: { id: 'provider', ip: 'provider:1', domain: 'sn-c.sim' } })]
  return { participants, supernodes: ['sn-a', 'sn-b', 'sn-c'], catalogs: [], providers: ['provider'], consumers: ['consumer'], links: 5, supernodeLinks: 3, latency: () => 40 }
}

const want: Want = {
  consumer: 'consumer',
  selector: { type: 'k8slice', quantities: { cpu: { kind: 'range', min: Quantity.parse('2') } }, strings: {} },
  cpu: 2,
  memoryGi: 4,
}

describe('a discovery on a known graph', () => {
  it('counts each directed link a discovery uses once: 5 calls over 4 edges, as sn-b and sn-c ask each other before either hears from the other', async () => {
    const { federation, topology } = await setup()
    const { record, answer } = await runDiscovery(federation, want, 'known-1')
    expect(reachOf(topology, 'consumer', 4)).toEqual({ edges: 4, paths: 5, participants: 3 })
    expect(record).toMatchObject({ messages: 5, lost: 0, edges: 4, paths: 5, linksUsed: 5, maxAsked: 2, askedAgain: 2, results: 1, failedPeers: 0 })
    expect(answer.results.map((r) => r.route)).toEqual([['sn-a', 'sn-c', 'provider']])
  })

  it('takes the slowest path’s round trips in virtual time: 3 hops of 40 ms', async () => {
    const { federation } = await setup()
    const { record } = await runDiscovery(federation, want, 'known-2')
    expect(record.timeMs).toBe(120)
  })

  it('asks fewer when the hop limit is lower: 3 calls within 2 hops', async () => {
    const { federation } = await setup({ hopLimit: 2 })
    const { record } = await runDiscovery(federation, want, 'known-3')
    expect(record).toMatchObject({ messages: 3, paths: 3, edges: 3, results: 1 })
  })

  it('counts a lost call and waits the caller’s timeout', async () => {
    const { federation } = await setup({ failureRate: 0.999 })
    const { record, answer } = await runDiscovery(federation, want, 'known-4')
    expect(record).toMatchObject({ messages: 1, lost: 1, results: 0, failedPeers: 1, timeMs: 2000 })
    expect(answer.failed).toEqual([expect.objectContaining({ peerId: 'sn-a', kind: 'timeout' })])
  })

  async function setup(overrides: Partial<SimulationOptions> = {}) {
    const topology = triangle()
    const federation = new SimFederation(topology, { ...DEFAULT_OPTIONS, failureRate: 0, ...overrides })
    await federation.build()
    return { federation, topology }
  }
})

/** consumers x1 (at sn-d) and x2 (at sn-b) on a line of supernodes a–b–c–d–e; p1 publishes to sn-a, p2 to sn-e. */
function line(): Topology {
  const participants = new Map<string, SimParticipant>()
  const add = (id: string, kind: Kind, knows: string[], publishesTo: string[] = []) =>
    participants.set(id, { id, kind, role: kind === 'supernode' ? 'supernode' : 'node', domain: 'line.sim', knows, publishesTo, flavours: [] })
  add('x1', 'consumer', ['sn-d'])
  add('x2', 'consumer', ['sn-b'])
  add('sn-a', 'supernode', ['sn-b', 'p1'])
  add('sn-b', 'supernode', ['sn-a', 'sn-c'])
  add('sn-c', 'supernode', ['sn-b', 'sn-d'])
  add('sn-d', 'supernode', ['sn-c', 'sn-e'])
  add('sn-e', 'supernode', ['sn-d', 'p2'])
  add('p1', 'provider', ['sn-a'], ['sn-a'])
  add('p2', 'provider', ['sn-e'], ['sn-e'])
  for (const p of ['p1', 'p2']) participants.get(p)!.flavours = [aK8SliceFlavour({ id: `${p}-k8slice-01`, owner: { id: p, ip: `${p}:1`, domain: 'line.sim' } })]
  return { participants, supernodes: ['sn-a', 'sn-b', 'sn-c', 'sn-d', 'sn-e'], catalogs: [], providers: ['p1', 'p2'], consumers: ['x1', 'x2'], links: 8, supernodeLinks: 4, latency: () => 40 }
}

describe('learnt answers on a known line', () => {
  it('a fresh discovery from x2 finds both flavours after x1’s', async () => {
    const { found } = await setup({ fresh: true })
    expect(found).toEqual(['p1-k8slice-01', 'p2-k8slice-01'])
  })

  // The core/discovery bug the simulator found, fixed: sn-b learnt its answer while relaying x1's
  // search with one hop left, and sn-c its own with sn-d skipped as visited; neither stands for x2's
  // search (three hops left, sn-d not visited), so p2 (3 hops from sn-b) is found.
  it('a discovery from x2 allowed learnt answers finds both flavours after x1’s', async () => {
    const { found } = await setup({ fresh: false })
    expect(found).toEqual(['p1-k8slice-01', 'p2-k8slice-01'])
  })

  async function setup(overrides: Partial<SimulationOptions>) {
    const federation = new SimFederation(line(), { ...DEFAULT_OPTIONS, failureRate: 0, ...overrides })
    await federation.build()
    const ask = (consumer: string, id: string) => runDiscovery(federation, { ...want, consumer }, id)
    await ask('x1', 'line-1')
    const { answer } = await ask('x2', 'line-2')
    return { found: answer.results.map((r) => r.flavour.id).sort() }
  }
})
