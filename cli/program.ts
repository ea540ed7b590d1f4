import { Command, CommanderError, Option } from '@commander-js/extra-typings'
import { isRearError } from '../core/shared/errors.ts'
import { DEFAULT_URL } from './client.ts'
import { contractCommands } from './commands/contracts.ts'
import { intentCommands } from './commands/intent.ts'
import { listingCommands } from './commands/listings.ts'
import { operationCommands } from './commands/operations.ts'
import { CliError, EXIT, EXIT_CODES_HELP } from './exit-codes.ts'
import type { ExitCode } from './exit-codes.ts'
import type { CliIo } from './io.ts'

const ROOT_HELP = `
Every command talks to one participant's HTTP API (--url). Results go to stdout; progress, notes
and errors to stderr. --json prints the participant's answer (or the command's result) as JSON on
stdout; spinners appear only when stderr is a terminal and --json is not given.

${EXIT_CODES_HELP}

Environment: REAR_URL (--url), REAR_ADMIN_TOKEN (--admin-token), INTENT_WEBHOOK_SECRET (intent submit).

Examples:
  $ rear intent submit cli/examples/intent.yaml         # sign, submit, show each seed step live
  $ rear intent list --json
  $ rear discover --filter 'cpu>=2' --filter 'memory>=4Gi'
  $ rear --url http://127.0.0.1:30001 flavours          # the provider node's flavours
  $ rear candidates && rear providers
  $ rear operation chain-1a2b && rear release chain-1a2b`

/** The `rear` program, its output and errors going to `io`; commander never exits the process itself. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('rear')
    .description('rear-cloud command line: submit intents and follow them, inspect flavours, candidates, contracts, allocations, providers and chain operations of any participant')
    .version('0.1.0', '-V, --version')
    .addOption(new Option('--url <url>', `participant base URL [env REAR_URL; default ${DEFAULT_URL}, the local consumer node]`))
    .addOption(new Option('--admin-token <token>', 'bearer token for the operator routes (/admin, /chain, /discovery, /intents, /providers), the participant\'s ADMIN_TOKEN [env REAR_ADMIN_TOKEN]'))
    .option('--json', 'JSON on stdout instead of text')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s), outputError: (s, write) => write(s) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', ROOT_HELP)
  intentCommands(program as unknown as Command, io)
  listingCommands(program as unknown as Command, io)
  contractCommands(program as unknown as Command, io)
  operationCommands(program as unknown as Command, io)
  return program as unknown as Command
}

/** Commander's own exits: help and version are successes, everything else it refuses is a usage error. */
function commanderExit(error: CommanderError): ExitCode {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok
  return EXIT.usage
}

/** Runs `rear` with `argv` (arguments only, without node and the script) and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const program = buildProgram(io)
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return EXIT.ok
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error)
    if (error instanceof CliError) {
      io.stderr.write(`rear: ${error.message}\n`)
      return error.exitCode
    }
    if (isRearError(error) && error.kind === 'validation') {
      io.stderr.write(`rear: ${error.message}\n`)
      return EXIT.usage
    }
    io.stderr.write(`rear: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return EXIT.unavailable
  }
}
