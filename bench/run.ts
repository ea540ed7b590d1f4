import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { startEmulators } from '../local/emulators.ts'
import type { Emulators } from '../local/emulators.ts'
import { benchList, benchReservePurchase, measureBaseline } from './provider-bench.ts'
import { benchBundles } from './bundle-bench.ts'
import { benchFanOut } from './fanout-bench.ts'
import { benchChain } from './chain-bench.ts'
import { benchCatalog } from './catalog-bench.ts'
import { benchIndex } from './index-bench.ts'
import { benchSimulation } from './simulation-bench.ts'
import type { Figure } from './stats.ts'
import { printFigures, progress } from './stats.ts'

const BENCHES = ['list', 'catalog', 'index', 'reserve', 'fanout', 'chain', 'simulation', 'bundles'] as const
const WITHOUT_EMULATORS: readonly Bench[] = ['index', 'simulation', 'bundles']
type Bench = (typeof BENCHES)[number]

const HELP = `Usage: npm run bench [-- [--only <bench,...>] [--chains <n>]]

Benchmarks on the local emulators (DynamoDB Local and the SQS emulator), each figure against the
round trips it cannot avoid. Participants run without fake clusters or agents: the benches seed their
own flavours. Without --only, every bench runs (slow) and bench/results/latest.json is rewritten.

Benches:
  list        warm LIST with a selector over 10 000 flavours, before and after the index; a reserve
              on another instance seen by the next LIST; the index's cold read of the table
  catalog     a catalog's relay over 1 000 000 published flavours: cold snapshot load, first and deep pages
  index       the columnar index alone at 1 000 000 rows, against Array.filter + sort (no emulators)
  reserve     reserve + purchase on 200 flavours at one provider, 8 in flight
  fanout      discovery fan-out to 50 peers, 5 of them silent
  chain       reserve + purchase over 4 participants, one chain after another
  simulation  discovery and chains in a simulated 1 000-participant federation (no emulators)
  bundles     Lambda bundle sizes and cold module init (needs no emulators)

Options:
  --only <bench,...>   run only these benches; results are printed, latest.json is left alone
  --chains <n>         chains the chain bench runs (default 100)
  -h, --help           this text
`

function benchOptions(argv: readonly string[]): { help: boolean; only: readonly Bench[]; chains?: number } {
  const { values } = parseArgs({ args: [...argv], options: { only: { type: 'string' }, chains: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
  const only = values.only === undefined ? [...BENCHES] : values.only.split(',').map((name) => name.trim())
  const unknown = only.filter((name) => !(BENCHES as readonly string[]).includes(name))
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; one of ${BENCHES.join(', ')}`)
  const chains = values.chains === undefined ? undefined : Number(values.chains)
  if (chains !== undefined && !(Number.isInteger(chains) && chains > 0)) throw new Error(`--chains wants a positive integer, not ${values.chains}`)
  return { help: values.help ?? false, only: only as Bench[], ...(chains === undefined ? {} : { chains }) }
}

async function main() {
  const options = benchOptions(process.argv.slice(2))
  if (options.help) return void process.stdout.write(HELP)
  const wants = (bench: Bench) => options.only.includes(bench)
  const complete = options.only.length === BENCHES.length
  const needsEmulators = options.only.some((bench) => !WITHOUT_EMULATORS.includes(bench))
  let emulators: Emulators | undefined
  try {
    const figures: Figure[] = []
    if (needsEmulators) {
      emulators = await startEmulators({ onProgress: progress })
      progress('baseline: raw DynamoDB GetItem round trips')
      const baseline = await measureBaseline(emulators)
      figures.push(
        { name: 'baseline: DynamoDB GetItem round trip, p50', value: baseline.p50, unit: 'ms' },
        { name: 'baseline: DynamoDB GetItem round trip, p99', value: baseline.p99, unit: 'ms' },
      )
      if (wants('list')) figures.push(...(await benchList(emulators, baseline)))
      if (wants('catalog')) figures.push(...(await benchCatalog(emulators, baseline)))
      if (wants('reserve')) figures.push(...(await benchReservePurchase(emulators, baseline)))
      if (wants('fanout')) figures.push(...(await benchFanOut(emulators)))
      if (wants('chain')) figures.push(...(await benchChain(emulators, options.chains)))
    }
    if (wants('index')) figures.push(...(await benchIndex()))
    if (wants('simulation')) figures.push(...(await benchSimulation()))
    if (wants('bundles')) figures.push(...(await benchBundles()))
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`
    printFigures(`rear-cloud benchmarks on the local emulators (${machine})`, figures)
    if (!complete) return
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
    writeFileSync(new URL('./results/latest.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), machine, figures }, null, 2))
  } finally {
    await emulators?.stop()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
