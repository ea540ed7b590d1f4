/** Durations in milliseconds of `iterations` sequential runs of `fn`. */
export async function timeEach(iterations: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = []
  for (let i = 0; i < iterations; i++) {
    const started = performance.now()
    await fn(i)
    durations.push(performance.now() - started)
  }
  return durations
}

export function percentile(durations: readonly number[], p: number): number {
  const sorted = [...durations].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] ?? NaN
}

/** Runs `fn` for indices 0..total-1 with at most `concurrency` in flight. */
export async function pool(total: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < total) await fn(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker))
}

export interface Figure {
  name: string
  value: number
  unit: string
  /** value ÷ baseline, both measured in this run. */
  ratio?: number
  baseline?: string
  /** An issue's goal: the value (in `unit`) or the ratio must not exceed `max`. */
  goal?: { max: number; on: 'value' | 'ratio' }
}

const goalMet = (f: Figure): boolean | undefined => (f.goal ? (f.goal.on === 'ratio' ? (f.ratio ?? Infinity) : f.value) <= f.goal.max : undefined)

function goalText(f: Figure): string {
  if (!f.goal) return ''
  const bound = f.goal.on === 'ratio' ? `${f.goal.max} ×` : `${f.goal.max} ${f.unit}`
  return `  (goal ≤ ${bound}: ${goalMet(f) ? 'met' : 'MISSED'})`
}

export function printFigures(title: string, figures: readonly Figure[]): void {
  process.stdout.write(`\n${title}\n`)
  for (const f of figures) {
    const ratio = f.ratio === undefined ? '' : `  = ${f.ratio.toFixed(2)} × ${f.baseline}`
    process.stdout.write(`  ${f.name.padEnd(48)} ${f.value.toFixed(2).padStart(10)} ${f.unit.padEnd(6)}${ratio}${goalText(f)}\n`)
  }
  const withGoals = figures.filter((f) => f.goal)
  if (withGoals.length === 0) return
  const missed = withGoals.filter((f) => !goalMet(f))
  process.stdout.write(`\ngoals: ${withGoals.length - missed.length} of ${withGoals.length} met${missed.length ? `; missed: ${missed.map((f) => f.name).join(', ')}` : ''}\n`)
}

export const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`)
