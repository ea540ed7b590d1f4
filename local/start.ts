import { startFederation } from './federation-runtime.ts'
import { PER_PARTICIPANT_VARIABLES } from './federation-env.ts'
import { JavaMissingError } from './java-check.ts'
import { parseStartCommand, START_HELP } from './start-options.ts'
import { stopOnShutdown } from './shutdown.ts'
import { startBanner } from './start-banner.ts'

const progress = (message: string) => process.stderr.write(`[rear-cloud] ${message}\n`)

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
  process.stderr.write(startBanner(federation, Date.now() - started))
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) process.stderr.write(`\n${error.message}\n`)
  else process.stderr.write(`\nrear-cloud could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
