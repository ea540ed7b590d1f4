import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { startEmulators } from '../local/emulators.ts'
import { benchList, benchReservePurchase, measureBaseline } from './provider-bench.ts'
import { benchBundles } from './bundle-bench.ts'
import { benchFanOut } from './fanout-bench.ts'
import { benchChain } from './chain-bench.ts'
import type { Figure } from './stats.ts'
import { printFigures, progress } from './stats.ts'

async function main() {
  const emulators = await startEmulators({ onProgress: progress })
  try {
    progress('baseline: raw DynamoDB GetItem round trips')
    const baseline = await measureBaseline(emulators)
    const figures: Figure[] = [
      { name: 'baseline: DynamoDB GetItem round trip, p50', value: baseline.p50, unit: 'ms' },
      { name: 'baseline: DynamoDB GetItem round trip, p99', value: baseline.p99, unit: 'ms' },
      ...(await benchList(emulators, baseline)),
      ...(await benchReservePurchase(emulators, baseline)),
      ...(await benchFanOut(emulators)),
      ...(await benchChain(emulators)),
      ...(await benchBundles()),
    ]
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`
    printFigures(`rear-cloud benchmarks on the local emulators (${machine})`, figures)
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
    writeFileSync(new URL('./results/latest.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), machine, figures }, null, 2))
  } finally {
    await emulators.stop()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
