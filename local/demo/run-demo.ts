import { randomUUID } from 'node:crypto'
import { DEV_WEBHOOK_SECRET, signWebhook } from '../../adapters/webhooks/standard-webhooks.ts'
import type { HopView, IntentView, LearntView, TraceLine } from './seed-trace.ts'
import { lineKey, seedTrace } from './seed-trace.ts'

/** The intent the demo submits: a small K8Slice in Italy, bought, peered, and a two-pod web server deployed on it. */
export const DEMO_INTENT = {
  need: { type: 'k8slice', architecture: 'amd64', cpu: '1', memory: '1Gi', pods: '2' },
  constraints: { countries: ['Italy'] },
  action: 'deploy',
  workload: {
    name: 'demo-web',
    manifests: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
      },
    ],
  },
  deadlineSeconds: 300,
} as const

export interface DemoOptions {
  /** Base URL of every participant, by id; the consumer node submits the intent. */
  urls: Record<string, string>
  consumer: string
  secret?: string
  /** The participants' ADMIN_TOKEN, sent on the operator routes the demo reads (intents, chain operations, what was learnt). */
  adminToken?: string
  /** Called with each seed step the first time it is seen. */
  onLine: (line: TraceLine) => void
  /** Poll interval, ms. */
  everyMs?: number
  /** Give up after this long, ms (the intent's own deadline comes first). */
  timeoutMs?: number
  fetch?: typeof fetch
}

export interface DemoResult {
  ok: boolean
  phase: string
  lines: TraceLine[]
  failure?: { step: number; reason: string }
}

const FINAL = new Set(['Solved', 'Failed', 'TimedOut'])
/** The supernodes' part of discovery (10–14) is read once the chosen flavour is known, so step 16 waits for it. */
const DISCOVERY_ANSWERED = 16

/**
 * The seed workflow, run for real: submits one intent at the consumer node, signed as a platform's
 * webhook, then follows the participants' own records (the intent timeline and every hop's chain
 * timeline) and reports each seed step once, in order, until the intent ends.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const get = withAdminToken(options.fetch ?? fetch, options.adminToken)
  const consumerUrl = options.urls[options.consumer]
  if (!consumerUrl) throw new Error(`no URL for ${options.consumer}`)
  const body = JSON.stringify(DEMO_INTENT)
  const headers = signWebhook(options.secret ?? DEV_WEBHOOK_SECRET, `demo-${randomUUID()}`, new Date(), body)
  const submitted = await get(`${consumerUrl}/intents/v1`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body })
  if (submitted.status !== 202) {
    const failure = { step: 1, reason: `the consumer node answered ${submitted.status}: ${(await submitted.text()).slice(0, 500)}` }
    return { ok: false, phase: 'Rejected', lines: [], failure }
  }
  const { id } = (await submitted.json()) as { id: string }
  const seen = new Set<string>()
  /** Steps already shown: another record of one of them, arriving late, is not shown out of order. */
  const steps = new Set<number>()
  const printed: TraceLine[] = []
  const deadline = Date.now() + (options.timeoutMs ?? 360_000)
  let printedUpTo = 0
  for (;;) {
    const intent = (await (await get(`${consumerUrl}/intents/v1/${id}`)).json()) as IntentView
    const hops = await hopViews(get, options, intent)
    const lines = seedTrace(intent, hops, await learntViews(get, options, intent))
    const final = FINAL.has(intent.phase)
    for (const line of lines) {
      if (!final && !intent.chosen && line.step >= DISCOVERY_ANSWERED) break
      const key = lineKey(line)
      if (seen.has(key)) continue
      seen.add(key)
      if (line.step < printedUpTo && steps.has(line.step)) continue
      steps.add(line.step)
      printed.push(line)
      printedUpTo = Math.max(printedUpTo, line.step)
      options.onLine(line)
    }
    if (final) {
      const ok = intent.phase === 'Solved'
      return { ok, phase: intent.phase, lines: printed, ...(intent.failure ? { failure: { step: intent.failure.step, reason: `${intent.failure.code}: ${intent.failure.reason}` } } : {}) }
    }
    if (Date.now() > deadline) return { ok: false, phase: intent.phase, lines: printed, failure: { step: printedUpTo, reason: 'the demo gave up waiting' } }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 250))
  }
}

/** Adds the operator's bearer token to every call but the intent's signed submission. */
function withAdminToken(fetchFn: typeof fetch, token: string | undefined): typeof fetch {
  if (!token) return fetchFn
  return (input, init = {}) => {
    if (init.method === 'POST') return fetchFn(input, init)
    const headers = new Headers(init.headers)
    headers.set('Authorization', `Bearer ${token}`)
    return fetchFn(input, { ...init, headers })
  }
}

/** The supernodes' records of the chosen flavour: the first relay's candidate, the provider's supernode's publication. */
async function learntViews(get: typeof fetch, options: DemoOptions, intent: IntentView): Promise<LearntView[]> {
  const route = intent.chosen?.route ?? []
  const flavour = intent.chosen?.flavourId
  if (!flavour || route.length < 3) return []
  const read = async (participant: string, kind: LearntView['kind']): Promise<LearntView[]> => {
    const url = options.urls[participant]
    if (!url) return []
    const response = await get(`${url}/admin/v1/${kind}?limit=200`)
    if (!response.ok) return []
    const { entries } = (await response.json()) as { entries: Omit<LearntView, 'participant' | 'kind'>[] }
    return entries.filter((e) => e.flavorID === flavour).map((e) => ({ ...e, participant, kind }))
  }
  return [...(await read(route[0]!, 'candidates')), ...(await read(route.at(-2)!, 'publications'))]
}

async function hopViews(get: typeof fetch, options: DemoOptions, intent: IntentView): Promise<HopView[]> {
  if (!intent.operationId || !intent.chosen) return []
  const participants = [options.consumer, ...intent.chosen.route]
  const views = await Promise.all(
    participants.map(async (participant) => {
      const url = options.urls[participant]
      if (!url) return undefined
      const response = await get(`${url}/chain/v1/operations/${intent.operationId}`)
      return response.ok ? ((await response.json()) as HopView) : undefined
    }),
  )
  return views.filter((v): v is HopView => v !== undefined)
}
