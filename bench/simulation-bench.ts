import { DEFAULT_OPTIONS } from '../sim/options.ts'
import type { SimulationOptions } from '../sim/options.ts'
import { runSimulation } from '../sim/run-simulation.ts'
import { GOALS } from '../sim/summary.ts'
import type { Figure } from './stats.ts'
import { percentile, progress } from './stats.ts'

const OPTIONS: SimulationOptions = { ...DEFAULT_OPTIONS, participants: 1000, domains: 100 }

/**
 * The simulated federation of `npm run simulate` at 1,000 participants (virtual time, no emulators):
 * relay calls per discovery against the edges within the hop limit, discovery time against hop limit ×
 * per-hop latency, and the chain success rate under the default failure rate.
 */
export async function benchSimulation(): Promise<Figure[]> {
  const o = OPTIONS
  progress(`simulated federation: ${o.participants} participants, ${o.domains} domains, ${o.consumers} discoveries and chains, ${o.failureRate * 100} % of calls lost (virtual time)`)
  const started = performance.now()
  const result = await runSimulation(o)
  const wallMs = performance.now() - started
  const { discovery: d, chains: c, records } = result
  const budget = o.hopLimit * o.latencyMs
  const clean = records.discoveries.filter((r) => r.lost === 0).map((r) => r.timeMs)
  const timeP99 = percentile(clean, 99)
  const timeP50All = percentile(records.discoveries.map((r) => r.timeMs), 50)
  const lossy = Math.round((1 - d.noLoss / d.count) * 100)
  return [
    { name: 'simulated discovery, 1,000 participants: relay calls per discovery, mean', value: d.messages.mean, unit: 'calls', ratio: d.messages.mean / d.edges.mean, baseline: 'edges within the hop limit (mean)', goal: { max: GOALS.messagesPerEdge, on: 'ratio' } },
    { name: 'simulated discovery: calls ÷ edges, worst discovery', value: d.messagesPerEdge.max, unit: '×', ratio: d.messagesPerEdge.max, baseline: 'its edges within the hop limit', goal: { max: GOALS.messagesPerEdge, on: 'ratio' } },
    { name: 'simulated discovery: relay calls per discovery vs simple paths', value: d.messages.mean, unit: 'calls', ratio: d.messages.mean / d.paths.mean, baseline: 'simple paths within the hop limit (mean)' },
    { name: 'simulated discovery: time p99, no call lost', value: timeP99, unit: 'ms', ratio: timeP99 / budget, baseline: 'hop limit × per-hop latency', goal: { max: GOALS.timeRatio, on: 'ratio' } },
    { name: `simulated discovery: time p50, all (${lossy} % lost a call)`, value: timeP50All, unit: 'ms', ratio: timeP50All / budget, baseline: 'hop limit × per-hop latency' },
    { name: `simulated chains: purchased (${o.failureRate * 100} % of calls lost)`, value: c.purchased, unit: 'chains', ratio: c.successRate, baseline: 'chains started' },
    { name: 'simulated federation: wall time for the run', value: wallMs, unit: 'ms' },
  ]
}
