import { Hono } from 'hono'
import { Quantity } from '../../core/quantity/quantity.ts'
import { ContentionError, PeerUnavailableError } from '../../core/shared/errors.ts'
import type { Intent, IntentMessage } from '../../core/intents/model.ts'
import type { CallbackSender } from '../../core/intents/webhook.ts'
import type { IntentDeps } from '../../core/intents/intent-deps.ts'
import { handleIntentMessage } from '../../core/intents/orchestrate.ts'
import type { Flavour } from '../../core/flavours/model.ts'
import { matchesSelector } from '../../core/flavours/selector.ts'
import type { RelayRequest } from '../../core/discovery/model.ts'
import type { PeerGateway } from '../../core/discovery/ports.ts'
import type { DiscoveryDeps } from '../../core/discovery/search-flavours.ts'
import { reportPeering, reportWorkload } from '../../core/chain/cluster-work.ts'
import { StandardWebhookVerifier, signWebhook } from '../../adapters/webhooks/standard-webhooks.ts'
import type { AppEnv } from '../../functions/http/env.ts'
import { onError } from '../../functions/http/error-handler.ts'
import { correlation } from '../../functions/http/middleware.ts'
import { intentRoutes } from '../../functions/http/intent-routes.ts'
import { FakeChainNetwork } from './fake-chain-network.ts'
import { InMemoryProviderStatsRepository } from './in-memory-provider-stats.ts'
import { SequentialIds } from './sequential-ids.ts'
import { aK8SliceFlavour, aProvider } from './factories.ts'
import type { IntentQueue, IntentRepository } from '../../core/intents/ports.ts'
import { intentFromStored, intentToStored } from '../../core/wire/intent-codec.ts'

const listKey = (intent: Pick<Intent, 'createdAt' | 'id'>) => `${intent.createdAt.toISOString()}#${intent.id}`
const stored = (intent: Intent) => intentFromStored(intentToStored(intent))

/** In-memory fake of the intent repository with DynamoDB's guards: idempotent on webhook id, conditional saves; kept in stored form. */
export class InMemoryIntents implements IntentRepository {
  readonly intents = new Map<string, Intent>()
  readonly webhooks = new Map<string, string>()
  private contention = 0

  failNextSave(times = 1): void {
    this.contention += times
  }

  async create(intent: Intent) {
    const existing = this.webhooks.get(intent.webhookId)
    if (existing) return { intent: stored(this.intents.get(existing)!), created: false }
    if (this.intents.has(intent.id)) throw new ContentionError(`intent ${intent.id} exists`)
    this.webhooks.set(intent.webhookId, intent.id)
    this.intents.set(intent.id, stored({ ...intent, version: 0 }))
    return { intent: stored({ ...intent, version: 0 }), created: true }
  }

  async get(id: string) {
    const intent = this.intents.get(id)
    return intent ? stored(intent) : undefined
  }

  async list(limit: number, cursor?: string) {
    const after = cursor ? Buffer.from(cursor, 'base64url').toString() : undefined
    const newest = [...this.intents.values()].sort((a, b) => (listKey(a) < listKey(b) ? 1 : -1)).filter((i) => after === undefined || listKey(i) < after)
    const page = newest.slice(0, limit)
    const last = page.at(-1)
    return { intents: page.map(stored), ...(newest.length > limit && last ? { next: Buffer.from(listKey(last)).toString('base64url') } : {}) }
  }

  async save(intent: Intent, expectedVersion: number) {
    if (this.contention > 0) {
      this.contention--
      throw new ContentionError()
    }
    if (this.intents.get(intent.id)?.version !== expectedVersion) throw new ContentionError(`intent ${intent.id} changed concurrently`)
    this.intents.set(intent.id, stored(intent))
  }
}

/** Records what is queued, with its delay, for the test to deliver. */
export class InMemoryIntentQueue implements IntentQueue {
  readonly queued: { message: IntentMessage; delaySeconds: number }[] = []

  async enqueue(message: IntentMessage, delaySeconds = 0) {
    this.queued.push({ message, delaySeconds })
  }

  take(): { message: IntentMessage; delaySeconds: number }[] {
    return this.queued.splice(0)
  }
}

/** The callback receiver of a test: records every try and fails while `failures` is above zero (or always). */
export class RecordingCallbackSender implements CallbackSender {
  readonly sent: { url: string; body: unknown; deliveryId: string }[] = []
  failures = 0

  async send(url: string, body: unknown, deliveryId: string): Promise<void> {
    this.sent.push({ url, body, deliveryId })
    if (this.failures > 0) {
      this.failures--
      throw new PeerUnavailableError(url, 'answered 503')
    }
  }
}

export const TEST_WEBHOOK_SECRET = 'whsec_dGVzdC1vbmx5IHdlYmhvb2sgc2VjcmV0IGZvciByZWFyIQ=='

/** A request to a participant's intent API, as `app.request` answers it. */
export interface IntentResponse {
  status: number
  headers: Headers
  body: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface QueuedIntentMessage {
  message: IntentMessage
  due: number
}

/**
 * A consumer node with its intent API and orchestrator on the four participants of seed workflow 3
 * (consumer node and supernode, provider supernode, providers), in one process with a fake clock.
 * Discovery at the consumer's supernode answers every provider's advertised flavours; the consumer's
 * agent is simulated by `agent` (peering active and workloads running as soon as they are asked for).
 */
export async function createIntentNetwork(options: { providers?: { id: string; flavour?: Flavour }[]; agent?: { peering?: 'active' | 'error' | 'never'; workload?: 'running' | 'failed' | 'never' } } = {}) {
  const network = new FakeChainNetwork()
  const providers = options.providers ?? [{ id: 'provider-node' }]
  for (const [id, domain] of [
    ['consumer-node', 'consumer.local'],
    ['consumer-supernode', 'consumer.local'],
    ['provider-supernode', 'provider.local'],
  ] as const)
    network.add(id, domain)
  for (const provider of providers) network.add(provider.id, 'provider.local')
  network.path('consumer-node', 'consumer-supernode', 'provider-supernode')
  for (const provider of providers) {
    network.path('provider-supernode', provider.id)
    await network.sell(provider.id, provider.flavour ?? aK8SliceFlavour({ owner: aProvider({ id: provider.id, domain: 'provider.local' }) }))
  }
  const consumer = network.participants.get('consumer-node')!
  const discoveryCalls: RelayRequest[] = []
  const gateway: PeerGateway = {
    listFlavours: async (_peer, request) => {
      discoveryCalls.push(request)
      const results = providers.flatMap((p) =>
        network.participants
          .get(p.id)!
          .store.advertised()
          .filter((flavour) => matchesSelector(flavour, request.selector))
          .map((flavour) => ({ flavour, route: ['consumer-supernode', 'provider-supernode', p.id] })),
      )
      return { results, failed: [] }
    },
  }
  const clock = network.clock
  const logger = network.logger
  const discovery: DiscoveryDeps = {
    self: { id: 'consumer-node', role: 'node' },
    flavours: consumer.store.flavourRepository,
    candidates: consumer.deps.candidates,
    peers: consumer.peers,
    gateway,
    clock,
    logger,
    settings: { peerTimeoutMs: 2000, hopLimit: 4, candidateTtlMs: 30_000 },
  }
  const intents = new InMemoryIntents()
  const queue = new InMemoryIntentQueue()
  const callbacks = new RecordingCallbackSender()
  const providerStats = new InMemoryProviderStatsRepository()
  const deps: IntentDeps = {
    self: consumer.deps.self,
    intents,
    queue,
    callbacks,
    chain: consumer.deps,
    discovery,
    providerStats,
    clock,
    ids: new SequentialIds(),
    logger,
    verifier: new StandardWebhookVerifier(TEST_WEBHOOK_SECRET, clock),
  }
  const app = new Hono<AppEnv>()
  app.use('*', correlation(logger, 'consumer-node'))
  app.onError(onError)
  app.route('/', intentRoutes(deps))

  let deliveries = 0
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<IntentResponse> => {
    const res = await app.request(path, body === undefined ? { method, headers } : { method, headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined }
  }
  /** POSTs `intent` signed as a platform would; `tamper` changes what is sent after signing. */
  const submit = (intent: unknown, tamper: { id?: string; at?: Date; body?: string; headers?: Record<string, string | undefined> } = {}) => {
    const body = typeof intent === 'string' ? intent : JSON.stringify(intent)
    const signed = signWebhook(TEST_WEBHOOK_SECRET, tamper.id ?? `msg-${++deliveries}`, tamper.at ?? clock.now(), body)
    const headers = Object.fromEntries(Object.entries({ ...signed, ...tamper.headers }).filter((e): e is [string, string] => e[1] !== undefined))
    return request('POST', '/intents/v1', tamper.body ?? body, headers)
  }

  const agent = { peering: 'active', workload: 'running', ...options.agent }
  /** The consumer's agent: reports its side of the peering and its workloads as `agent` says. */
  async function actAsAgent() {
    for (const hop of consumer.hops.hops.values()) {
      if (hop.position !== 'origin' || hop.state !== 'purchased') continue
      if (!hop.peering && agent.peering !== 'never') await reportPeering(consumer.deps, hop.chainId, { status: agent.peering as 'active' | 'error', ...(agent.peering === 'error' ? { detail: 'gateway unreachable' } : {}) })
      for (const [name, workload] of Object.entries(hop.workloads ?? {})) {
        if (workload.phase === 'pending' && agent.workload !== 'never') {
          await reportWorkload(consumer.deps, hop.chainId, name, { phase: agent.workload as 'running' | 'failed', readyPods: agent.workload === 'running' ? 2 : 0, totalPods: 2, node: `rear-${hop.chainId}` })
        }
      }
    }
  }

  const scheduled: QueuedIntentMessage[] = []
  const handled: IntentMessage[] = []
  /** Queued intent messages become due after their delay; the clock moves to each as it is handled. */
  function schedule() {
    for (const { message, delaySeconds } of queue.take()) scheduled.push({ message, due: clock.now().getTime() + delaySeconds * 1000 })
    scheduled.sort((a, b) => a.due - b.due)
  }
  /** Runs chains, the agent and intent messages until nothing is left (or `limit` intent messages), twice each when `twice`. */
  async function run(input: { limit?: number; twice?: boolean; until?: (intent: Intent) => boolean; intentId?: string } = {}) {
    for (let i = 0; i < (input.limit ?? 500); i++) {
      if (input.until && input.intentId) {
        const current = await intents.get(input.intentId)
        if (current && input.until(current)) return
      }
      await network.runUntilIdle()
      await actAsAgent()
      await network.runUntilIdle()
      schedule()
      const next = scheduled.shift()
      if (!next) return
      if (next.due > clock.now().getTime()) clock.advance(next.due - clock.now().getTime())
      handled.push(next.message)
      await handleIntentMessage(deps, next.message)
      if (input.twice) await handleIntentMessage(deps, next.message)
    }
  }
  const intent = async (id: string) => (await intents.get(id))!
  return { network, consumer, deps, intents, queue, callbacks, providerStats, discoveryCalls, request, submit, run, intent, handled, scheduled, clock, logger }
}

/** A stored intent as submitIntent makes it: a 2 CPU, 4 GiB K8Slice to buy, received at `createdAt`. */
export function anIntentRecord(overrides: Partial<Intent> = {}): Intent {
  const createdAt = overrides.createdAt ?? new Date('2026-01-01T00:00:00Z')
  return {
    id: 'intent-1',
    webhookId: 'msg-1',
    phase: 'Pending',
    action: 'buy',
    need: { type: 'k8slice', architecture: 'amd64', cpu: Quantity.parse('2'), memory: Quantity.parse('4Gi'), gpu: { count: Quantity.parse('1'), model: 'NVIDIA-A100' } },
    constraints: { maxPricePerHour: { amount: '0.10', currency: 'EUR' }, countries: ['Italy'] },
    reserveBest: 1,
    workload: { name: 'web', manifests: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', creationTimestamp: '2026-01-01T00:00:00Z' } }] },
    callbackUrl: 'https://platform.example/hooks',
    createdAt,
    updatedAt: createdAt,
    deadline: new Date(createdAt.getTime() + 600_000),
    step: 'decompose',
    stepCount: 1,
    waits: 0,
    candidates: [],
    attempts: [],
    timeline: [{ at: createdAt, step: 1, participant: 'consumer-node', message: 'intent received from the platform' }],
    callbacks: [],
    version: 0,
    ...overrides,
  }
}
