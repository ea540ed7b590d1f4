import { KubeConfig } from '@kubernetes/client-node'
import { parseArgs } from 'node:util'
import { JsonLogger } from '../adapters/logging/json-logger.ts'
import type { Logger } from '../core/shared/ports.ts'
import { loadAgentConfig } from './config.ts'
import { ParticipantClient } from './participant-client.ts'
import { runAgent } from './run-agent.ts'
import { readFile } from 'node:fs/promises'
import { agentSigner, parseAgentKey } from './agent-key.ts'
import type { RunningAgent } from './run-agent.ts'

const HELP = `Usage: npm run agent -- --participant <REAR API base URL> --config <file> [--kubeconfig <file>] [--token <t>]

The rear-cloud in-cluster agent: follows this cluster's Nodes and Pods (list + watch) and keeps its
participant's flavours equal to what the cluster can sell, one per schedulable, Ready node that is neither
a control plane nor a Liqo virtual node (Liqo's shadow pods for remote consumers are not counted: the
participant already holds that capacity as sold). It needs no AWS credentials: it talks only to its
participant's API, with its own token.

It also runs its participant's commands (long-polled, each idempotent, outcome reported back): the
virtual router and Liqo v1 declarative peering, one side at a time, the steps' public data relayed over
the chain (no kubeconfig leaves the cluster); workloads in an offloaded namespace pinned to the
contract's virtual node, with pod readiness reported; and tear-down of a contract's workloads and of the
peering with the last contract on it. Every 30 s it reports whether Liqo is ready here (cluster id
published, Liqo CRDs answering); while it is not, the participant refuses to sell or deploy on it.
Its RBAC must allow the Liqo objects and workloads it applies.

Options (environment variable in brackets):
  --participant <url>    the participant's REAR API base URL [REAR_PARTICIPANT_URL]
  --config <file>        the agent configuration, YAML or JSON: cluster id, domain, owner, location,
                         price, properties, partitionability, GPU defaults, scan debounce [REAR_AGENT_CONFIG]
  --kubeconfig <file>    any standard kubeconfig (token, client certificates, insecure-skip-tls-verify)
                         [KUBECONFIG]; without one the in-cluster service account is used
  --token <t>            the agent's bearer token, the participant's AGENT_TOKEN [REAR_AGENT_TOKEN];
                         may be omitted when the participant has none (local mode)
  --key <file>           the agent's Ed25519 private JWK (with a kid); every call is signed with it
                         (RFC 9421, keyid agent#<kid>) and the participant lists its public half in
                         AGENT_PUBLIC_KEYS [REAR_AGENT_KEY: the JWK itself]
  -h, --help             this text

Logs are JSON lines on stdout. SIGINT or SIGTERM, even while it still waits for its first lists (e.g.
when RBAC is wrong), stops what has started (reports, command loop, watches) and exits 0; a second
signal exits at once.
`

/** Reads the agent's options from arguments and the environment; a missing one is named. */
export function agentOptions(argv: readonly string[], env: Record<string, string | undefined>) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      participant: { type: 'string' },
      config: { type: 'string' },
      kubeconfig: { type: 'string' },
      token: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const participant = values.participant ?? env.REAR_PARTICIPANT_URL
  const config = values.config ?? env.REAR_AGENT_CONFIG
  const kubeconfig = values.kubeconfig ?? env.KUBECONFIG
  const token = values.token ?? env.REAR_AGENT_TOKEN
  const keyFile = values.key
  const keyJson = keyFile ? undefined : env.REAR_AGENT_KEY
  return {
    ...(keyFile ? { keyFile } : {}),
    ...(keyJson ? { keyJson } : {}),
    help: values.help ?? false,
    ...(participant ? { participant } : {}),
    ...(config ? { config } : {}),
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(token ? { token } : {}),
  }
}

async function main(): Promise<void> {
  const options = agentOptions(process.argv.slice(2), process.env)
  if (options.help) return void process.stdout.write(HELP)
  const missing = [!options.participant && '--participant (REAR_PARTICIPANT_URL)', !options.config && '--config (REAR_AGENT_CONFIG)'].filter(Boolean)
  if (missing.length) throw new Error(`missing ${missing.join(' and ')}; see --help`)
  const kubeConfig = new KubeConfig()
  if (options.kubeconfig) kubeConfig.loadFromFile(options.kubeconfig)
  else kubeConfig.loadFromCluster()
  const config = await loadAgentConfig(options.config!)
  const logger = new JsonLogger({ component: 'agent', clusterId: config.clusterId })
  const key = options.keyFile ? await readFile(options.keyFile, 'utf8') : options.keyJson
  const signer = key ? agentSigner(parseAgentKey(key)) : undefined
  const participant = new ParticipantClient({ baseUrl: options.participant!, ...(options.token ? { token: options.token } : {}), ...(signer ? { signer } : {}) })
  const stop = stopOnSignals(process, logger)
  stop.started(await runAgent({ kubeConfig, config, participant, logger }))
}

/** The part of `process` the signal handling uses. */
export interface SignalTarget {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown
  exit(code: number): void
}

/**
 * Installs the SIGINT/SIGTERM handlers before `runAgent` is awaited, so a signal while it still waits for
 * its first lists (RBAC wrong, API server away) stops cleanly too. The first signal stops a started agent
 * (reports, command loop, then watches) and exits 0, or 1 if stopping failed. Before start, nothing has been
 * handed over yet and no command runs (the loop starts after the first lists), so it exits 0 at once and
 * the pending lists end with the process. A second signal exits at once.
 */
export function stopOnSignals(target: SignalTarget, logger: Pick<Logger, 'info' | 'error'>): { started(agent: RunningAgent): void } {
  let agent: RunningAgent | undefined
  let stopping = false
  const stop = (running: RunningAgent) =>
    void running.stop().then(
      () => target.exit(0),
      (error: unknown) => {
        logger.error('AGENT_STOP_FAILED', { error: error instanceof Error ? error.message : String(error) })
        target.exit(1)
      },
    )
  const onSignal = () => {
    if (stopping) return target.exit(0)
    stopping = true
    logger.info('AGENT_STOPPING', { started: Boolean(agent) })
    if (agent) stop(agent)
    else target.exit(0)
  }
  target.on('SIGINT', onSignal)
  target.on('SIGTERM', onSignal)
  return {
    started: (running) => {
      agent = running
      if (stopping) stop(running)
    },
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`agent: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
