import { KubeConfig } from '@kubernetes/client-node'
import { parseArgs } from 'node:util'
import { JsonLogger } from '../adapters/logging/json-logger.ts'
import { loadAgentConfig } from './config.ts'
import { ParticipantClient } from './participant-client.ts'
import { runAgent } from './run-agent.ts'

const HELP = `Usage: npm run agent -- --participant <REAR API base URL> --config <file> [--kubeconfig <file>] [--token <t>]

The rear-cloud in-cluster agent: follows this cluster's Nodes and Pods (list + watch) and keeps its
participant's flavours equal to what the cluster can sell, one per schedulable, Ready, non-control-plane
node. It needs no AWS credentials: it talks only to its participant's API, with its own token.

Options (environment variable in brackets):
  --participant <url>    the participant's REAR API base URL [REAR_PARTICIPANT_URL]
  --config <file>        the agent configuration, YAML or JSON: cluster id, domain, owner, location,
                         price, properties, partitionability, GPU defaults, scan debounce [REAR_AGENT_CONFIG]
  --kubeconfig <file>    any standard kubeconfig (token, client certificates, insecure-skip-tls-verify)
                         [KUBECONFIG]; without one the in-cluster service account is used
  --token <t>            the agent's bearer token, the participant's AGENT_TOKEN [REAR_AGENT_TOKEN];
                         may be omitted when the participant has none (local mode)
  -h, --help             this text

Logs are JSON lines on stdout. SIGINT or SIGTERM stops the watches and exits.
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
      help: { type: 'boolean', short: 'h' },
    },
  })
  const participant = values.participant ?? env.REAR_PARTICIPANT_URL
  const config = values.config ?? env.REAR_AGENT_CONFIG
  const kubeconfig = values.kubeconfig ?? env.KUBECONFIG
  const token = values.token ?? env.REAR_AGENT_TOKEN
  return {
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
  const participant = new ParticipantClient({ baseUrl: options.participant!, ...(options.token ? { token: options.token } : {}) })
  const agent = await runAgent({ kubeConfig, config, participant, logger })
  const stop = () => void agent.stop().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`agent: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
