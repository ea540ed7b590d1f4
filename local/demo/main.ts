import { parseArgs } from 'node:util'
import { DEFAULT_FEDERATION, withPortOffset } from '../federation.ts'
import type { Federation } from '../federation-runtime.ts'
import { startFederation } from '../federation-runtime.ts'
import { runDemo } from './run-demo.ts'
import type { TraceLine } from './seed-trace.ts'

const HELP = `npm run demo [-- options]

Runs the seed workflow "two nodes in different domains" end to end: submits one intent at the
consumer node (signed as a platform's Standard Webhook), then prints each seed step as the
participants record it — the intent, discovery, the chain hop by hop, peering and the virtual node,
and the workload Running on it — until the intent is Solved. Uses the federation of \`npm start\`
when one is running on these ports; otherwise starts one itself (and stops it at the end).

Options:
  --json                 one JSON object per line: {"step", "participant", "message"}
  --port-offset <n>      the federation's port offset (as given to npm start; env REAR_PORT_OFFSET)
  -h, --help             this text

Environment:
  INTENT_WEBHOOK_SECRET  the consumer node's webhook secret (default: the development secret npm start uses)
  REAR_ADMIN_TOKEN, ADMIN_TOKEN
                         the participants' operator token, sent on what the demo reads (when npm start has ADMIN_TOKEN set)

Exit codes: 0 the intent was Solved; 1 it failed, timed out or was refused (the failing step is named);
2 bad options.
`

async function running(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) })).ok
  } catch {
    return false
  }
}

async function main(): Promise<number> {
  let values: { json?: boolean; 'port-offset'?: string; help?: boolean }
  try {
    values = parseArgs({ options: { json: { type: 'boolean' }, 'port-offset': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`)
    return 2
  }
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const offset = Number(values['port-offset'] ?? process.env.REAR_PORT_OFFSET ?? 0)
  if (!Number.isInteger(offset) || offset < 0) {
    process.stderr.write(`--port-offset must be a whole number, not ${values['port-offset']}\n`)
    return 2
  }
  const specs = withPortOffset(DEFAULT_FEDERATION, offset)
  const urls = Object.fromEntries(specs.map((p) => [p.id, `http://127.0.0.1:${p.port}`]))
  const say = (text: string) => process.stderr.write(`[demo] ${text}\n`)
  let federation: Federation | undefined
  if (!(await running(urls['consumer-node']!))) {
    say('no federation on these ports: starting one (npm start runs the same)')
    federation = await startFederation({ participants: specs, onProgress: (m) => say(m) })
  }
  const print = (line: TraceLine) =>
    process.stdout.write(values.json ? `${JSON.stringify({ step: line.step, participant: line.participant, message: line.message })}\n` : `step ${String(line.step).padStart(2)}  ${line.participant.padEnd(20)} ${line.message}\n`)
  try {
    const adminToken = process.env.REAR_ADMIN_TOKEN || process.env.ADMIN_TOKEN
    const result = await runDemo({
      urls,
      consumer: 'consumer-node',
      ...(process.env.INTENT_WEBHOOK_SECRET ? { secret: process.env.INTENT_WEBHOOK_SECRET } : {}),
      ...(adminToken ? { adminToken } : {}),
      onLine: print,
    })
    if (result.ok) say(`the intent was Solved in ${result.lines.length} recorded steps`)
    else say(`the intent ended ${result.phase} at seed step ${result.failure?.step ?? '?'}: ${result.failure?.reason ?? 'no reason recorded'}`)
    return result.ok ? 0 : 1
  } finally {
    await federation?.stop()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
