import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, InvalidArgumentError, Option } from '@commander-js/extra-typings'
import { SingleBar } from 'cli-progress'
import { simulationChart } from './chart.ts'
import type { SimulationOptions } from './options.ts'
import { DEFAULT_OPTIONS, optionsProblem } from './options.ts'
import type { SimulationResult } from './run-simulation.ts'
import { runSimulation } from './run-simulation.ts'
import { GOALS, summaryOf } from './summary.ts'

/** Federation sizes `--chart` runs, each with one domain per ten participants. */
export const CHART_SIZES = [100, 300, 1000] as const
export const DEFAULT_OUT = fileURLToPath(new URL('./results/latest.json', import.meta.url))
export const DEFAULT_CHART = fileURLToPath(new URL('../docs/simulation.svg', import.meta.url))

/** Where the simulator writes: stdout the summary, stderr progress and errors, files the JSON and the chart. */
export interface SimIo {
  stdout: { write(text: string): unknown }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  writeFile(path: string, text: string): Promise<void>
  /** Milliseconds of real time, for the wall-clock line only. */
  now(): number
}

export const processSimIo = (): SimIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  writeFile: async (path, text) => {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, text)
  },
  now: () => performance.now(),
})

const HELP = `
Builds an in-process federation of real rear-cloud participants (the core discovery and chain use
cases on in-memory repositories, every relay request, answer and chain message through the wire
codecs) on a seeded random graph: one supernode per domain, peered with other supernodes in a sparse
connected graph; catalogs that about half the supernodes ask; providers that publish to their
supernode (half of them to a catalog too); consumers that know their supernode. Calls take their
link's latency in virtual time (no real waiting), and a call goes unanswered at the failure rate
(the caller waits its timeout). Each consumer in turn runs one discovery, then reserves and
purchases the cheapest result along its route (the first --chains of them).

Reported (summary on stdout, everything per discovery and chain in the JSON file):
  relay calls per discovery against the edges and the simple paths within the hop limit
    (goal: calls ≤ ${GOALS.messagesPerEdge} × edges, for the worst discovery);
  discovery time against hop limit × per-hop latency
    (goal: ≤ ${GOALS.timeRatio} ×, p99 of the discoveries in which no call was lost);
  the chain success rate under the failure rate, and why chains failed.

The same options and seed give the same result. --chart runs ${CHART_SIZES.join(', ')} participants
(--participants and --domains are then ignored: one domain per ten participants) and writes the SVG
chart shown in docs/benchmarks.md. Relays are deduplicated by core itself (each supernode and catalog
fans out once per search), so the former --dedupe-relays what-if is gone.

Examples:
  $ npm run simulate -- --participants 1000 --domains 100
  $ npm run simulate -- --participants 300 --domains 30 --failure-rate 0.05 --seed 7
  $ npm run simulate -- --chart`

function integer(min: number) {
  return (text: string): number => {
    const n = Number(text)
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`an integer ≥ ${min} is wanted, not ${text}`)
    return n
  }
}

function decimal(min: number, max: number, maxIncluded = true) {
  return (text: string): number => {
    const n = Number(text)
    if (text.trim() === '' || !Number.isFinite(n) || n < min || (maxIncluded ? n > max : n >= max)) {
      throw new InvalidArgumentError(`a number from ${min} to ${max}${maxIncluded ? '' : ' (excluded)'} is wanted, not ${text}`)
    }
    return n
  }
}

/** The `simulate` program; `action` receives the checked options. Commander never exits the process itself. */
export function buildProgram(io: SimIo, action: (options: SimulationOptions, run: { out: string; chart?: string }) => Promise<void>) {
  const d = DEFAULT_OPTIONS
  return new Command('simulate')
    .description('Simulate a rear-cloud federation in virtual time: discovery traffic and latency against the peer graph, and chains under failures')
    .addOption(new Option('--participants <n>', 'participants in all: supernodes, catalogs and nodes').argParser(integer(3)).default(d.participants))
    .addOption(new Option('--domains <n>', 'domains, each with one supernode and at least two nodes').argParser(integer(1)).default(d.domains))
    .addOption(new Option('--seed <n>', 'seed of the graph, flavours, latencies and failures').argParser(integer(0)).default(d.seed))
    .addOption(new Option('--hop-limit <h>', 'relays a discovery may take (DiscoverySettings.hopLimit)').argParser(integer(1)).default(d.hopLimit))
    .addOption(new Option('--latency-ms <m>', 'mean round trip of one relay over one link, in virtual ms').argParser(decimal(0, 10_000)).default(d.latencyMs))
    .addOption(new Option('--jitter <f>', "each link's round trip is the mean × (1 ± up to f), drawn once per link").argParser(decimal(0, 1, false)).default(d.jitter))
    .addOption(new Option('--failure-rate <f>', 'chance a call to a peer (relay or chain message) goes unanswered').argParser(decimal(0, 1, false)).default(d.failureRate))
    .addOption(new Option('--consumers <c>', 'discoveries, one per consumer in turn (consumers are reused when there are fewer)').argParser(integer(1)).default(d.consumers))
    .addOption(new Option('--chains <k>', 'how many of those consumers then reserve and purchase (default: all of them)').argParser(integer(0)))
    .addOption(new Option('--degree <d>', 'mean number of supernode peers per supernode').argParser(decimal(1, 1000)).default(d.degree))
    .addOption(new Option('--catalogs <n>', 'catalogs (default: one per 25 domains)').argParser(integer(1)))
    .addOption(new Option('--peer-timeout-ms <ms>', 'per-peer timeout of a fan-out, in virtual ms').argParser(integer(100)).default(d.peerTimeoutMs))
    .option('--no-fresh', 'let relays answer from what they learnt moments ago instead of asking their peers every time')
    .option('--trim-routes', 'what-if, not today\'s core: a relay answers only with results whose route fits the hops the request has left')
    .addOption(new Option('--out <file>', 'JSON result file').default(DEFAULT_OUT, 'sim/results/latest.json'))
    .option('--chart', `run ${CHART_SIZES.join(', ')} participants and write the SVG chart`)
    .addOption(new Option('--chart-out <file>', 'where --chart writes the SVG').default(DEFAULT_CHART, 'docs/simulation.svg'))
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s), outputError: (s, write) => write(s) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', HELP)
    .action(async (o) => {
      const options: SimulationOptions = {
        participants: o.participants,
        domains: o.domains,
        seed: o.seed,
        hopLimit: o.hopLimit,
        latencyMs: o.latencyMs,
        jitter: o.jitter,
        failureRate: o.failureRate,
        consumers: o.consumers,
        chains: o.chains ?? o.consumers,
        degree: o.degree,
        catalogs: o.catalogs ?? 0,
        peerTimeoutMs: o.peerTimeoutMs,
        fresh: o.fresh,
        trimRoutes: o.trimRoutes ?? false,
      }
      await action(options, { out: resolve(o.out), ...(o.chart ? { chart: resolve(o.chartOut) } : {}) })
    })
}

export class UsageError extends Error {}

const label = (options: SimulationOptions) =>
  `${options.participants} participants${options.trimRoutes ? ' (what-if: routes trimmed)' : ''}`

/** One run with a progress bar on a terminal (a line per run otherwise); returns the result and its wall time. */
async function runWithProgress(io: SimIo, options: SimulationOptions): Promise<{ result: SimulationResult; wallMs: number }> {
  const problem = optionsProblem(options)
  if (problem) throw new UsageError(problem)
  const started = io.now()
  const bar = io.stderr.isTTY
    ? new SingleBar({ stream: io.stderr, format: `simulate ${label(options)} [{bar}] {value}/{total} consumers | {duration_formatted}`, hideCursor: true, clearOnComplete: true })
    : undefined
  bar?.start(options.consumers, 0)
  try {
    const result = await runSimulation(options, (done) => bar?.update(done))
    const wallMs = io.now() - started
    if (!bar) io.stderr.write(`simulate: ${label(options)}, ${options.consumers} discoveries in ${(wallMs / 1000).toFixed(1)} s\n`)
    return { result, wallMs }
  } finally {
    bar?.stop()
  }
}

/** Runs the simulator with `argv` (arguments only) and returns its exit code: 0, 1 on failure, 2 on a usage error. */
export async function runSimulate(argv: readonly string[], io: SimIo): Promise<number> {
  const program = buildProgram(io, async (options, files) => {
    const sized = (size: number) => ({ ...options, participants: size, domains: size / 10 })
    const plans = files.chart ? CHART_SIZES.map(sized) : [options]
    for (const plan of plans) {
      const problem = optionsProblem(plan)
      if (problem) throw new UsageError(problem)
    }
    const runs: (SimulationResult & { wallMs: number })[] = []
    for (const plan of plans) {
      const { result, wallMs } = await runWithProgress(io, plan)
      io.stdout.write(`${runs.length ? '\n' : ''}${summaryOf(result, wallMs)}`)
      runs.push({ ...result, wallMs: Math.round(wallMs) })
    }
    await io.writeFile(files.out, `${JSON.stringify({ runs }, null, 2)}\n`)
    io.stderr.write(`simulate: results in ${files.out}\n`)
    if (files.chart) {
      await io.writeFile(files.chart, simulationChart(runs))
      io.stderr.write(`simulate: chart in ${files.chart}\n`)
    }
  })
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2
    if (error instanceof UsageError) {
      io.stderr.write(`simulate: ${error.message}\n`)
      return 2
    }
    io.stderr.write(`simulate: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
}
