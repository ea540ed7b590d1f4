import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDemo } from '../../local/demo/run-demo.ts'
import type { TraceLine } from '../../local/demo/seed-trace.ts'
import { startTestFederation } from '../support/test-federation.ts'

/**
 * Every seed step the participants' records show. Steps 8–9, 12 and 15 (a supernode looking in its
 * own tables, passing an answer on) leave no record of their own.
 */
const EXPECTED = [1, 2, 3, 4, 5, 6, 7, 10, 11, 13, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41]
/** The provider replaces its flavour and creates its Node allocation when it sells, after the consumer's step 25 here. */
const AT_PURCHASE = 24

describe('npm run demo: the seed workflow end to end on the emulators and the agents’ fake clusters', () => {
  let started: Awaited<ReturnType<typeof startTestFederation>>
  beforeAll(async () => {
    started = await startTestFederation({ clusters: true })
  })
  afterAll(async () => {
    await started?.federation.stop()
  })

  it('takes one signed intent to a workload Running on the contract’s virtual node, every seed step recorded, in order', async () => {
    const printed: TraceLine[] = []
    const urls = Object.fromEntries(started.federation.participants.map((p) => [p.spec.id, p.url]))
    const result = await runDemo({ urls, consumer: 'consumer-node', onLine: (line) => printed.push(line), everyMs: 100, timeoutMs: 120_000 })
    expect(result, JSON.stringify(result.failure)).toMatchObject({ ok: true, phase: 'Solved' })
    const firsts = [...new Set(printed.map((line) => line.step))]
    expect(firsts.filter((step) => EXPECTED.includes(step)).sort((a, b) => a - b)).toEqual(EXPECTED)
    const ordered = firsts.filter((step) => step !== AT_PURCHASE)
    expect(ordered).toEqual([...ordered].sort((a, b) => a - b))
    expect(printed.at(-1)).toMatchObject({ step: 41, participant: 'consumer-node', message: expect.stringContaining('2/2 pods ready') })
  })
})
