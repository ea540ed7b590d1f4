import type { Federation } from './federation-runtime.ts'
import { startFederation } from './federation-runtime.ts'
import { PER_PARTICIPANT_VARIABLES } from './federation-env.ts'
import { JavaMissingError } from './java-check.ts'
import { parseStartCommand, START_HELP } from './start-options.ts'
import { stopOnShutdown } from './shutdown.ts'

const progress = (message: string) => process.stderr.write(`[rear-cloud] ${message}\n`)

/** Every participant's queues, so `npm run redrive` can be pointed at them. */
function queueLines(federation: Federation): string[] {
  return [
    'Queues (redrive dead letters: npm run redrive -- --dlq <dead letters URL> --to <queue URL>):',
    ...federation.participants.flatMap(({ spec, queues }) => [
      `  ${spec.id.padEnd(20)} chain         ${queues.chain}`,
      `  ${''.padEnd(20)} chain DLQ     ${queues.dlq}`,
      `  ${''.padEnd(20)} agent         ${queues.agent}`,
      `  ${''.padEnd(20)} agent DLQ     ${queues.agentDlq}`,
    ]),
  ]
}

async function main(): Promise<void> {
  const command = parseStartCommand(process.argv.slice(2), process.env)
  if (command.help) {
    process.stdout.write(START_HELP)
    return
  }
  for (const name of command.ignored) progress(`ignoring ${name} from the environment: ${PER_PARTICIPANT_VARIABLES[name]}`)
  const started = Date.now()
  const starting = startFederation({ ...command.options, onProgress: progress })
  stopOnShutdown(async () => (await starting.catch(() => undefined))?.stop(), process, { onProgress: progress })
  const federation = await starting
  const provider = federation.participants.find((p) => p.spec.seller)
  const lines = [
    '',
    `rear-cloud local federation is up (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    ...federation.participants.map((p) => `  ${p.spec.id.padEnd(20)} ${p.url}   (OpenAPI: ${p.url}/openapi.json)`),
    `  DynamoDB Local        ${federation.emulators.dynamoEndpoint}`,
    `  SQS (fauxqs)          ${federation.emulators.sqsEndpoint}`,
    '',
    ...queueLines(federation),
    '',
    ...(provider ? [`Try: curl -sg "${provider.url}/api/v2/flavors/k8slice?filter[cpu][range][min]=2"`, ''] : []),
    'Press Ctrl+C to stop.',
    '',
  ]
  process.stderr.write(lines.join('\n'))
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) process.stderr.write(`\n${error.message}\n`)
  else process.stderr.write(`\nrear-cloud could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
