import { parseArgs } from 'node:util'
import { DEFAULT_FEDERATION, withPortOffset } from './federation.ts'
import { startFederation } from './federation-runtime.ts'
import { JavaMissingError } from './java-check.ts'

const HELP = `npm start [-- options]

Starts the embedded local rear-cloud federation: AWS's DynamoDB Local and fauxqs (SQS) from npm,
then every participant's HTTP API on its own port. No Docker, no cloud account, no network.

Options:
  --host <address>       address to listen on (default 127.0.0.1; env REAR_HOST)
  --port-offset <n>      add n to every participant port (default 0; env REAR_PORT_OFFSET)
  --persist <dir>        keep DynamoDB Local's data in <dir> across runs (default: in memory);
                         the SQS queues are always in memory: on restart the sweeper settles
                         chains that were in flight (past their deadline, or undrained)
  --quiet                no JSON request logs on stdout
  -h, --help             this text

Participants (default ports):
${DEFAULT_FEDERATION.map((p) => `  ${String(p.port).padEnd(6)} ${p.id.padEnd(20)} ${p.role} of ${p.domain}${p.seller ? ', sells sample flavours' : ''}`).join('\n')}
`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      'port-offset': { type: 'string' },
      persist: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(HELP)
    return
  }
  const offset = Number(values['port-offset'] ?? process.env.REAR_PORT_OFFSET ?? 0)
  if (!Number.isInteger(offset) || offset < 0 || offset > 30000) throw new Error(`--port-offset must be an integer from 0 to 30000, not ${values['port-offset']}`)
  const host = values.host ?? process.env.REAR_HOST ?? '127.0.0.1'
  const started = Date.now()
  const progress = (message: string) => process.stderr.write(`[rear-cloud] ${message}\n`)
  const federation = await startFederation({
    participants: withPortOffset(DEFAULT_FEDERATION, offset),
    host,
    logs: !values.quiet,
    ...(values.persist ? { dataPath: values.persist } : {}),
    onProgress: progress,
  })
  const provider = federation.participants.find((p) => p.spec.seller)
  const lines = [
    '',
    `rear-cloud local federation is up (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    ...federation.participants.map((p) => `  ${p.spec.id.padEnd(20)} ${p.url}   (OpenAPI: ${p.url}/openapi.json)`),
    `  DynamoDB Local        ${federation.emulators.dynamoEndpoint}`,
    `  SQS (fauxqs)          ${federation.emulators.sqsEndpoint}`,
    '',
    ...(provider ? [`Try: curl -sg "${provider.url}/api/v2/flavors/k8slice?filter[cpu][range][min]=2"`, ''] : []),
    'Press Ctrl+C to stop.',
    '',
  ]
  process.stderr.write(lines.join('\n'))
  const stop = async () => {
    progress('stopping')
    await federation.stop()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) process.stderr.write(`\n${error.message}\n`)
  else process.stderr.write(`\nrear-cloud could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
