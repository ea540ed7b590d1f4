import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { simulationChart } from '../../../sim/chart.ts'
import type { SimIo } from '../../../sim/cli.ts'
import { runSimulate } from '../../../sim/cli.ts'
import type { SimulationOptions } from '../../../sim/options.ts'
import { DEFAULT_OPTIONS, optionsProblem } from '../../../sim/options.ts'
import { runSimulation } from '../../../sim/run-simulation.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { Scheduler } from '../../../sim/scheduler.ts'

const small: SimulationOptions = { ...DEFAULT_OPTIONS, participants: 60, domains: 6, degree: 2, hopLimit: 3, consumers: 5, chains: 5 }

describe(runSimulation.name, () => {
  it('gives the same result for the same seed, and another for another seed', async () => {
    const a = await runSimulation(small)
    const b = await runSimulation(small)
    const c = await runSimulation({ ...small, seed: 2 })
    expect(b).toEqual(a)
    expect(c.records.discoveries).not.toEqual(a.records.discoveries)
  })

  it('builds the federation it was asked for', async () => {
    const result = await runSimulation(small)
    const t = result.topology
    expect(t).toMatchObject({ participants: 60, supernodes: 6, catalogs: 1, supernodeLinks: 6 })
    expect(t.providers + t.consumers).toBe(60 - 6 - 1)
    expect(result.discovery.count).toBe(5)
  })

  it('sends a discovery over each link it uses once when nothing is lost: calls within the edges, not the paths', async () => {
    const result = await runSimulation({ ...small, failureRate: 0 })
    for (const d of result.records.discoveries) {
      expect(d.messages).toBe(d.linksUsed)
      expect(d.messages).toBeLessThanOrEqual(2 * d.edges)
    }
    expect(result.discovery.repeatedCalls).toBe(0)
    expect(result.discovery.noLoss).toBe(5)
    expect(result.discovery.timeRatioNoLoss.max).toBeLessThanOrEqual(1 + small.jitter)
    expect(result.chains).toMatchObject({ attempted: 5, purchased: 5, failed: 0, successRate: 1 })
  })

  it('counts lost calls, the timeouts they cost and the chains they break', async () => {
    const result = await runSimulation({ ...small, failureRate: 0.2 })
    const lossy = result.records.discoveries.filter((d) => d.lost > 0)
    expect(lossy.length).toBeGreaterThan(0)
    for (const d of lossy) expect(d.timeMs).toBeGreaterThanOrEqual(small.peerTimeoutMs - small.hopLimit * 200)
    expect(result.chains.failed).toBeGreaterThan(0)
    expect(result.chains.successRate).toBeLessThan(1)
    expect(Object.values(result.chains.failures).reduce((n, k) => n + k, 0)).toBe(result.chains.failed + result.chains.notStarted)
  })

  it('with routes trimmed to the hops left (what-if), finds what a fresh flood finds with fewer bytes', async () => {
    const base = await runSimulation({ ...small, failureRate: 0, chains: 0 })
    const whatIf = await runSimulation({ ...small, failureRate: 0, chains: 0, trimRoutes: true })
    expect(whatIf.records.discoveries.map((d) => d.results)).toEqual(base.records.discoveries.map((d) => d.results))
    expect(whatIf.discovery.bytes.mean).toBeLessThanOrEqual(base.discovery.bytes.mean)
  })
})

describe('options', () => {
  it('refuses a federation that cannot be built', () => {
    expect(optionsProblem(small)).toBeUndefined()
    expect(optionsProblem({ ...small, participants: 15 })).toMatch(/at least two nodes/)
    expect(optionsProblem({ ...small, chains: 6 })).toMatch(/--chains/)
    expect(optionsProblem({ ...small, failureRate: 1 })).toMatch(/--failure-rate/)
  })
})

describe(Scheduler.name, () => {
  it('runs events in time order, ties in the order scheduled, and skips cancelled ones', async () => {
    const { scheduler, ran } = setup()
    scheduler.after(30, () => ran.push('c'))
    scheduler.after(10, () => ran.push('a'))
    scheduler.after(10, () => ran.push('b'))
    scheduler.after(20, () => ran.push('never')).cancel()
    const start = scheduler.now
    await scheduler.runIdle()
    expect(ran).toEqual(['a', 'b', 'c'])
    expect(scheduler.now - start).toBe(30)
  })

  function setup() {
    return { scheduler: new Scheduler(new FakeClock()), ran: [] as string[] }
  }
})

describe('npm run simulate', () => {
  it('documents every option and the goals in --help', async () => {
    const { run } = setup()
    const { code, stdout } = await run(['--help'])
    expect(code).toBe(0)
    for (const option of ['--participants', '--domains', '--seed', '--hop-limit', '--latency-ms', '--failure-rate', '--consumers', '--chains', '--out', '--chart', '--trim-routes', '--no-fresh']) {
      expect(stdout).toContain(option)
    }
    expect(stdout).toMatch(/calls ≤ 2 × edges/)
    expect(stdout).toMatch(/≤ 1\.2 ×/)
  })

  it('writes the JSON result and prints the summary', async () => {
    const { run, files } = setup()
    const { code, stdout, stderr } = await run(['--participants', '60', '--domains', '6', '--degree', '2', '--consumers', '4', '--chains', '2', '--out', '/sim/out.json'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/60 participants \(6 supernodes/)
    expect(stdout).toMatch(/calls ÷ edges .* goal ≤ 2/)
    expect(stderr).toContain('/sim/out.json')
    const json = JSON.parse(files.get('/sim/out.json')!)
    expect(json.runs).toHaveLength(1)
    const [run0] = json.runs
    expect(run0).toMatchObject({ options: { participants: 60, domains: 6, consumers: 4, chains: 2, seed: 1 }, topology: { participants: 60 }, discovery: { count: 4 } })
    expect(Object.keys(run0.discovery.messages)).toEqual(['mean', 'p50', 'p99', 'max'])
    expect(run0.records.discoveries).toHaveLength(4)
    expect(run0.records.chains.length).toBeLessThanOrEqual(2)
    expect(run0.chains).toHaveProperty('successRate')
    expect(run0.wallMs).toBeGreaterThanOrEqual(0)
  })

  it('refuses bad input with a usage error and writes nothing', async () => {
    const { run, files } = setup()
    const bad = await run(['--failure-rate', '2'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--failure-rate/)
    const unbuildable = await run(['--participants', '20', '--domains', '8'])
    expect(unbuildable.code).toBe(2)
    expect(unbuildable.stderr).toMatch(/at least two nodes/)
    expect(files.size).toBe(0)
  })

  function setup() {
    const files = new Map<string, string>()
    const run = async (argv: string[]) => {
      let stdout = ''
      let stderr = ''
      const err = new PassThrough()
      err.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
      const io: SimIo = { stdout: { write: (text: string) => void (stdout += text) }, stderr: err, writeFile: async (path, text) => void files.set(path, text), now: () => 0 }
      const code = await runSimulate(argv, io)
      await new Promise((resolve) => setImmediate(resolve))
      return { code, stdout, stderr }
    }
    return { run, files }
  }
})

describe(simulationChart.name, () => {
  it('draws calls against edges and paths, and time against the hop budget, by federation size', async () => {
    const runs = [await runSimulation({ ...small, consumers: 2, chains: 0 }), await runSimulation({ ...small, participants: 160, domains: 16, consumers: 2, chains: 0 })]
    const svg = simulationChart(runs)
    expect(svg).toMatch(/^<svg /)
    for (const label of ['calls (measured)', 'edges in hop limit', 'simple paths', 'goal: 2 × edges', 'hop limit × latency', '160']) expect(svg).toContain(label)
  })
})
