import type { SimulationResult } from './run-simulation.ts'

interface Series {
  label: string
  colour: string
  dash?: string
  points: { x: number; y: number }[]
}

interface Panel {
  title: string
  unit: string
  series: Series[]
}

const WIDTH = 900
const HEIGHT = 400
const PANEL = { width: 380, height: 240, top: 90, left: [70, 520] }

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** A round upper bound for an axis, a little above `value`. */
function niceMax(value: number): number {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  return [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((bound) => bound >= value) ?? 10 * power
}

function panel(p: Panel, left: number, sizes: readonly number[]): string {
  const { width, height, top } = PANEL
  const [minX, maxX] = [Math.log(Math.min(...sizes)), Math.log(Math.max(...sizes))]
  const x = (v: number) => Math.round((left + (maxX === minX ? width / 2 : ((Math.log(v) - minX) / (maxX - minX)) * width)) * 10) / 10
  const yMax = niceMax(Math.max(...p.series.flatMap((s) => s.points.map((pt) => pt.y))))
  const y = (v: number) => top + height - (v / yMax) * height
  const parts: string[] = [`<text x="${left}" y="${top - 58}" font-size="14" font-weight="bold">${escape(p.title)}</text>`]
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4
    parts.push(`<line x1="${left}" x2="${left + width}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`)
    parts.push(`<text x="${left - 8}" y="${y(v) + 4}" font-size="11" text-anchor="end">${Number(v.toPrecision(3))}</text>`)
  }
  for (const size of sizes) {
    parts.push(`<line x1="${x(size)}" x2="${x(size)}" y1="${top + height}" y2="${top + height + 5}" stroke="#333"/>`)
    parts.push(`<text x="${x(size)}" y="${top + height + 18}" font-size="11" text-anchor="middle">${size.toLocaleString('en')}</text>`)
  }
  parts.push(`<line x1="${left}" x2="${left + width}" y1="${top + height}" y2="${top + height}" stroke="#333"/>`)
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + height}" stroke="#333"/>`)
  parts.push(`<text x="${left + width / 2}" y="${top + height + 36}" font-size="12" text-anchor="middle">participants (log scale)</text>`)
  parts.push(`<text x="${left - 48}" y="${top + height / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 ${left - 48} ${top + height / 2})">${escape(p.unit)}</text>`)
  p.series.forEach((s, i) => {
    const path = s.points.map((pt, j) => `${j ? 'L' : 'M'}${x(pt.x).toFixed(1)},${y(pt.y).toFixed(1)}`).join(' ')
    parts.push(`<path d="${path}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`)
    for (const pt of s.points) parts.push(`<circle cx="${x(pt.x).toFixed(1)}" cy="${y(pt.y).toFixed(1)}" r="3" fill="${s.colour}"/>`)
    const legendX = left + (i % 2) * 190
    const legendY = top - 38 + Math.floor(i / 2) * 13
    parts.push(`<line x1="${legendX}" x2="${legendX + 18}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${s.colour}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`)
    parts.push(`<text x="${legendX + 22}" y="${legendY}" font-size="11">${escape(s.label)}</text>`)
  })
  return parts.join('\n')
}

/**
 * The simulation chart for docs/: messages per discovery against the edges and simple paths within the
 * hop limit, and discovery time against hop limit × per-hop latency, each against federation size.
 * Needs at least one run.
 */
export function simulationChart(runs: readonly SimulationResult[]): string {
  const bySize = (a: SimulationResult, b: SimulationResult) => a.topology.participants - b.topology.participants
  const sorted = [...runs].sort(bySize)
  const sizes = sorted.map((r) => r.topology.participants)
  const at = (pick: (r: SimulationResult) => number) => sorted.map((r) => ({ x: r.topology.participants, y: pick(r) }))
  const first = sorted[0]!.options
  const budget = (r: SimulationResult) => r.options.hopLimit * r.options.latencyMs
  const messages: Panel = {
    title: 'Relay calls per discovery (mean)',
    unit: 'calls',
    series: [
      { label: 'calls (measured)', colour: '#d62728', points: at((r) => r.discovery.messages.mean) },
      { label: 'edges in hop limit', colour: '#1f77b4', points: at((r) => r.discovery.edges.mean) },
      { label: 'simple paths', colour: '#7f7f7f', dash: '2 3', points: at((r) => r.discovery.paths.mean) },
      { label: 'goal: 2 × edges', colour: '#2ca02c', dash: '6 4', points: at((r) => 2 * r.discovery.edges.mean) },
    ],
  }
  const time: Panel = {
    title: 'Discovery time (virtual), no call lost',
    unit: 'ms',
    series: [
      { label: 'p50', colour: '#ff7f0e', points: at((r) => r.discovery.timeRatioNoLoss.p50 * budget(r)) },
      { label: 'p99', colour: '#d62728', points: at((r) => r.discovery.timeRatioNoLoss.p99 * budget(r)) },
      { label: 'hop limit × latency', colour: '#1f77b4', dash: '2 3', points: at(budget) },
      { label: 'goal: 1.2 × that', colour: '#2ca02c', dash: '6 4', points: at((r) => 1.2 * budget(r)) },
    ],
  }
  const caption =
    `seed ${first.seed}, ${first.consumers} discoveries${first.fresh ? ' (fresh)' : ''} per size, hop limit ${first.hopLimit}, ` +
    `${first.latencyMs} ms ± ${Math.round(first.jitter * 100)} % per hop, failure rate ${first.failureRate * 100} %, domains = participants ÷ 10`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    panel(messages, PANEL.left[0]!, sizes),
    panel(time, PANEL.left[1]!, sizes),
    `<text x="${WIDTH / 2}" y="${HEIGHT - 12}" font-size="11" text-anchor="middle" fill="#555">${escape(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n')
}
