import type { Distribution, SimulationResult } from './run-simulation.ts'

/** The issue's goals: relay calls per discovery ≤ 2 × the edges within the hop limit, time ≤ 1.2 × hop limit × per-hop latency. */
export const GOALS = { messagesPerEdge: 2, timeRatio: 1.2 } as const

const fixed = (n: number, digits = 2) => (Number.isInteger(n) ? String(n) : n.toFixed(digits))
const percent = (n: number) => `${fixed(Math.round(n * 1000) / 10, 1)} %`
const verdict = (value: number, goal: number) => `goal ≤ ${goal}: ${value <= goal ? 'met' : 'MISSED'}`

function row(label: string, d: Distribution, note = ''): string {
  const cells = [d.mean, d.p50, d.p99, d.max].map((v) => fixed(v).padStart(10)).join('')
  return `  ${label.padEnd(40)}${cells}${note ? `   ${note}` : ''}`
}

/** Whether a run meets both goals: the worst discovery's calls ÷ edges, and p99 time ÷ budget of discoveries without a lost call. */
export function goalsMet(result: SimulationResult): { messages: boolean; time: boolean } {
  return {
    messages: result.discovery.messagesPerEdge.max <= GOALS.messagesPerEdge,
    time: result.discovery.noLoss === 0 || result.discovery.timeRatioNoLoss.p99 <= GOALS.timeRatio,
  }
}

/** The stdout summary of one run: what was built, then each figure's mean, p50, p99 and max. */
export function summaryOf(result: SimulationResult, wallMs?: number): string {
  const { options: o, topology: t, discovery: d, chains: c } = result
  const failures = Object.entries(c.failures)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ')
  const lines = [
    `Simulated federation: ${t.participants} participants (${t.supernodes} supernodes, ${t.catalogs} catalogs, ${t.providers} providers with ${t.flavours} flavours, ${t.consumers} consumers), ${t.links} peer links (${t.supernodeLinks} between supernodes), seed ${o.seed}`,
    `hop limit ${o.hopLimit}, ${o.latencyMs} ms ± ${Math.round(o.jitter * 100)} % per hop (round trip), peer timeout ${o.peerTimeoutMs} ms, failure rate ${percent(o.failureRate)}, ${d.count} discoveries${o.fresh ? ' (fresh: every relay asks its peers)' : ' (learnt answers allowed)'}${o.trimRoutes ? ', WHAT-IF: relays answer only routes that fit the hops left' : ''}`,
    '',
    `  ${''.padEnd(40)}${['mean', 'p50', 'p99', 'max'].map((h) => h.padStart(10)).join('')}`,
    row('relay calls per discovery', d.messages),
    row('edges within the hop limit', d.edges),
    row('simple paths within the hop limit', d.paths),
    row('calls ÷ edges', d.messagesPerEdge, verdict(d.messagesPerEdge.max, GOALS.messagesPerEdge) + ' (max)'),
    row('calls ÷ simple paths', d.messagesPerPath),
    row('bytes per discovery', d.bytes),
    row('results per discovery', d.results),
    row('discovery time (virtual ms)', d.timeMs),
    row('time ÷ (hop limit × latency)', d.timeRatio, `${d.count - d.noLoss} of ${d.count} lost a call and waited a timeout`),
    row(`  … with no call lost (${d.noLoss})`, d.timeRatioNoLoss, d.noLoss ? verdict(d.timeRatioNoLoss.p99, GOALS.timeRatio) + ' (p99)' : ''),
    `  participants asked twice or more in ${d.withRepeats} of ${d.count} discoveries; ${d.repeatedCalls} calls in all went over a link already used`,
    '',
    `  chains: ${c.purchased} purchased of ${c.attempted} started (${percent(c.successRate)})${c.notStarted ? `, ${c.notStarted} not started` : ''}${failures ? `; failed: ${failures}` : ''}`,
    row('chain hops', c.hops),
    row('chain time (virtual ms)', c.timeMs),
    row('chain messages', c.messages),
    '',
    `  ${result.events} events over ${fixed(result.virtualMs / 1000, 1)} s of virtual time${wallMs === undefined ? '' : ` in ${fixed(wallMs / 1000, 1)} s`}`,
  ]
  return `${lines.join('\n')}\n`
}
