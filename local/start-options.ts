import { parseArgs } from 'node:util'
import { DEFAULT_FEDERATION, withPortOffset } from './federation.ts'
import type { FederationOptions } from './federation-runtime.ts'
import { PER_PARTICIPANT_VARIABLES, sharedEnvironment } from './federation-env.ts'

const MAX_PORT_OFFSET = 30000

/** `npm start -- --help`: every option and variable `local/start.ts` reads. */
export const START_HELP = `npm start [-- options]

Starts the embedded local rear-cloud federation: AWS's DynamoDB Local and fauxqs (SQS) from npm,
then every participant's HTTP API on its own port. No Docker, no cloud account, no network.
Each node participant gets a member cluster that is simulated: a fake Kubernetes API server (on a
free port) with Liqo's controllers simulated, no real cluster or Liqo; the in-cluster agent runs on
it and publishes one K8Slice flavour per schedulable, Ready worker node. Their kubeconfig files are
printed at start (in <dir>/kubeconfigs with --persist, else in a temporary directory removed at stop).

Options:
  --host <address>       address to listen on (default 127.0.0.1; env REAR_HOST)
  --port-offset <n>      add n to every participant port, 0 to ${MAX_PORT_OFFSET} (default 0; env REAR_PORT_OFFSET)
  --persist <dir>        keep DynamoDB Local's data in <dir> across runs (default: in memory);
                         the SQS queues are always in memory: on restart the sweeper settles
                         chains that were in flight (past their deadline, or undrained)
  --quiet                no JSON request or agent logs on stdout
  --secure               refuse unsigned calls to /api, /rear and /agent (401), from loopback too;
                         without it they are accepted from this machine (curl, FLUIDOS tools). Every
                         participant and agent signs its own calls (RFC 9421) either way, with key
                         pairs made at start (in <dir>/keys with --persist), so the demo still works
  -h, --help             this text

Environment:
  The configuration variables of the README (ADMIN_TOKEN, MAX_BODY_BYTES, HOP_TIMEOUT_SECONDS,
  TRANSACTION_TTL_SECONDS, CONTRACT_TTL_DAYS, PEER_TIMEOUT_MS, HOP_LIMIT, CANDIDATE_TTL_SECONDS,
  PUBLICATION_TTL_SECONDS, ...) apply to every participant; a bad value stops npm start naming it.
  INTENT_WEBHOOK_SECRET (whsec_…) signs intents and callbacks at the nodes; without it the
  development secret printed at start is used.
  Set per participant, so ignored when set:
${Object.entries(PER_PARTICIPANT_VARIABLES).map(([name, why]) => `    ${name.padEnd(22)} ${why}`).join('\n')}

Stops cleanly on Ctrl+C, SIGTERM or SIGHUP, and when the process that started it (npm) goes away;
DynamoDB Local never outlives it.

Participants (default ports):
${DEFAULT_FEDERATION.map((p) => `  ${String(p.port).padEnd(6)} ${p.id.padEnd(20)} ${p.role} of ${p.domain}${p.seller ? ", sells its fake cluster's nodes and a sample database service" : p.role === 'node' ? ', buys; has a fake cluster too' : ''}`).join('\n')}
`

export type StartCommand =
  | { help: true }
  | {
      help: false
      options: FederationOptions & { participants: NonNullable<FederationOptions['participants']>; host: string }
      /** Variables of the environment the federation sets per participant instead. */
      ignored: string[]
    }

export class StartUsageError extends Error {
  override name = 'StartUsageError'
}

/**
 * What `npm start` runs, from its arguments and environment: a pure function, so the mapping of
 * `process.env` onto every participant is tested without starting anything.
 */
export function parseStartCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): StartCommand {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string' },
        'port-offset': { type: 'string' },
        persist: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        secure: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }))
  } catch (error) {
    throw new StartUsageError(`${error instanceof Error ? error.message : String(error)} (see npm start -- --help)`)
  }
  if (values.help) return { help: true }
  const rawOffset = values['port-offset'] ?? env.REAR_PORT_OFFSET ?? '0'
  const offset = /^\d+$/.test(rawOffset) ? Number(rawOffset) : NaN
  if (!(offset >= 0 && offset <= MAX_PORT_OFFSET)) {
    throw new StartUsageError(`${values['port-offset'] === undefined ? 'REAR_PORT_OFFSET' : '--port-offset'} must be an integer from 0 to ${MAX_PORT_OFFSET}, not ${rawOffset}`)
  }
  const shared = sharedEnvironment(env)
  return {
    help: false,
    options: {
      participants: withPortOffset(DEFAULT_FEDERATION, offset),
      host: values.host ?? env.REAR_HOST ?? '127.0.0.1',
      logs: !values.quiet,
      secure: values.secure,
      ...(values.persist ? { dataPath: values.persist } : {}),
      env: shared.env,
    },
    ignored: shared.ignored,
  }
}
