import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { RequestSigner } from '../core/security/ports.ts'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import type { AgentConfig } from '../agent/config.ts'
import { DEFAULT_DEBOUNCE_MS } from '../agent/config.ts'
import { ParticipantClient } from '../agent/participant-client.ts'
import { runAgent } from '../agent/run-agent.ts'
import type { RunningAgent } from '../agent/run-agent.ts'
import type { NodeIdentity } from '../core/flavours/model.ts'
import { Quantity } from '../core/quantity/quantity.ts'
import type { LogFields, Logger } from '../core/shared/ports.ts'
import type { FakeKube, KubeObject } from './fake-kube/index.ts'
import { simulateLiqo, startFakeKube } from './fake-kube/index.ts'
import { SAMPLE_LOCATION } from './sample-service-flavour.ts'

/**
 * Local mode's member clusters: for each node participant, a fake Kubernetes API server with Liqo's
 * controllers simulated, and the real in-cluster agent (`agent/run-agent.ts`) following it and
 * publishing its nodes as K8Slice flavours to the participant over HTTP, as it would in a cluster.
 * The one file of local/ that imports the Kubernetes client (eslint.config.js): the agent needs a
 * `KubeConfig`.
 */

/** A node participant's fake cluster, as tests and the banner see it. */
export interface MemberCluster {
  kube: FakeKube
  /** A kubeconfig file for the fake API server (`kubectl --kubeconfig <path> get nodes`). */
  kubeconfigPath: string
}

/** Each reconcile step of the simulated Liqo controllers waits this long, so progress is observable. */
export const LIQO_SIMULATION_DELAY_MS = 200
/** How long start waits for an agent whose first publication failed to publish after all. */
const FIRST_PUBLICATION_TIMEOUT_MS = 15_000

const q = Quantity.parse

/**
 * What a node participant's agent advertises: its Liqo cluster id, its identity and domain, and the
 * price, Turin location, properties and partitionability the sample flavours had.
 */
export function localAgentConfig(owner: NodeIdentity, clusterId: string, debounceMs = DEFAULT_DEBOUNCE_MS): AgentConfig {
  return {
    clusterId,
    domain: owner.domain,
    owner,
    location: { ...SAMPLE_LOCATION },
    price: { amount: '0.04', currency: 'EUR', period: 'hourly' },
    properties: { latency: 10, securityStandards: ['GDPR'] },
    partitionability: { cpuMin: q('1'), memoryMin: q('1Gi'), podsMin: q('1'), cpuStep: q('1'), memoryStep: q('512Mi'), podsStep: q('1'), gpuMin: q('1'), gpuStep: q('1') },
    networkPropertyType: 'networkProperty',
    scan: { debounceMs },
  }
}

/** Where the kubeconfig files go: `<dataPath>/kubeconfigs` (kept) or a temporary directory (removed by `dispose`). */
export async function kubeconfigDirectory(dataPath: string | undefined): Promise<{ path: string; dispose(): Promise<void> }> {
  if (dataPath) {
    const path = join(dataPath, 'kubeconfigs')
    await mkdir(path, { recursive: true })
    return { path, dispose: async () => {} }
  }
  const path = await mkdtemp(join(tmpdir(), 'rear-cloud-kube-'))
  return { path, dispose: () => rm(path, { recursive: true, force: true }) }
}

/** Starts a fake cluster holding `objects`, with Liqo simulated for `clusterId`, and writes its kubeconfig to `<directory>/<name>.kubeconfig`. */
export async function startMemberCluster(input: { name: string; clusterId: string; objects: readonly KubeObject[]; directory: string }): Promise<MemberCluster & { stop(): Promise<void> }> {
  const kube = await startFakeKube()
  const unsimulate = simulateLiqo(kube, { clusterId: input.clusterId, delayMs: LIQO_SIMULATION_DELAY_MS })
  try {
    for (const object of input.objects) kube.store.apply(structuredClone(object))
    const kubeconfigPath = join(input.directory, `${input.name}.kubeconfig`)
    await writeFile(kubeconfigPath, kube.kubeconfig.yaml, { mode: 0o600 })
    return {
      kube,
      kubeconfigPath,
      stop: async () => {
        unsimulate()
        await kube.stop()
      },
    }
  } catch (error) {
    unsimulate()
    await kube.stop()
    throw error
  }
}

/**
 * A logger that first tells `watch` every event, so start can see whether the first publication went
 * through, and writes it only while `watch` returns true (not once the agent is stopping: its aborted
 * watches are no failures worth a warning).
 */
function watched(logger: Logger, watch: (event: string, fields: LogFields | undefined) => boolean): Logger {
  return {
    info: (event, fields) => void (watch(event, fields) && logger.info(event, fields)),
    warn: (event, fields) => void (watch(event, fields) && logger.warn(event, fields)),
    error: (event, fields) => void (watch(event, fields) && logger.error(event, fields)),
    child: (fields) => watched(logger.child(fields), watch),
  }
}

/**
 * Runs the agent on a member cluster, publishing to the participant at `participantUrl`. Resolves
 * once its first scan is published (runAgent returns after it), so discovery finds the flavours
 * right after start; if that first publication failed, waits for a retry to succeed, and fails the
 * start naming the error when none does.
 */
export async function startMemberAgent(input: {
  cluster: MemberCluster
  config: AgentConfig
  participantUrl: string
  token?: string
  /** Signs the agent's calls with its key (RFC 9421). */
  signer?: RequestSigner
  logger: Logger
  now?: () => Date
}): Promise<RunningAgent> {
  let failure: string | undefined
  let stopping = false
  let markPublished = () => {}
  const published = new Promise<void>((resolve) => (markPublished = resolve))
  const logger = watched(input.logger, (event, fields) => {
    if (event === 'SCAN_FAILED') failure = String(fields?.['error'] ?? 'unknown error')
    if (event === 'FLAVOURS_PUBLISHED') markPublished()
    return !stopping
  })
  const kubeConfig = new KubeConfig()
  kubeConfig.loadFromOptions(input.cluster.kube.kubeconfig.options)
  const participant = new ParticipantClient({ baseUrl: input.participantUrl, ...(input.token ? { token: input.token } : {}), ...(input.signer ? { signer: input.signer } : {}) })
  const started = await runAgent({ kubeConfig, config: input.config, participant, logger, ...(input.now ? { now: input.now } : {}) })
  const stopAgent = started.stop.bind(started)
  const agent: RunningAgent = Object.assign(started, {
    stop: () => {
      stopping = true
      return stopAgent()
    },
  })
  if (failure === undefined) return agent
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), FIRST_PUBLICATION_TIMEOUT_MS)))
  const outcome = await Promise.race([published, timedOut])
  clearTimeout(timer)
  if (outcome !== 'timeout') return agent
  await agent.stop()
  throw new Error(`the agent of cluster ${input.config.clusterId} could not publish its flavours to ${input.participantUrl}: ${failure}`)
}
