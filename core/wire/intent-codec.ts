import * as z from 'zod'
import { Quantity } from '../quantity/quantity.ts'
import type { Intent, IntentAction, IntentCandidate, IntentConstraints, IntentNeed, IntentWorkload } from '../intents/model.ts'
import { INTENT_ACTIONS, INTENT_PHASES, MAX_RESERVE_BEST } from '../intents/model.ts'
import { WORKLOAD_PHASES } from '../chain/model.ts'
import { decodeWith, jsonValue, quantityString, wireId, wireText } from './wire-object.ts'

/** Deadline of an intent when the platform gives none, and its bounds, in seconds. */
export const DEFAULT_DEADLINE_SECONDS = 600
export const MIN_DEADLINE_SECONDS = 30
export const MAX_DEADLINE_SECONDS = 3600
/** Most Kubernetes objects one intent's workload may carry. */
export const MAX_INTENT_MANIFESTS = 50
/** Longest rating comment. */
export const MAX_RATING_COMMENT = 1000
/** Most bytes of JSON one intent's workload may carry: the intent, its timeline and candidates fit one 400 KB DynamoDB item. */
export const MAX_WORKLOAD_BYTES = 160 * 1024
/** Most intents one page lists. */
export const MAX_INTENT_PAGE = 100

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
const DECIMAL = /^\d{1,12}(\.\d{1,9})?$/

const httpUrl = wireText(2048).refine((text) => {
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}, 'must be an http(s) URL')

const k8sliceNeedWire = z.strictObject({
  type: z.literal('k8slice'),
  architecture: wireText(64).min(1).optional(),
  cpu: quantityString.describe('Least CPU, a Kubernetes quantity ("2", "500m")'),
  memory: quantityString.describe('Least memory ("4Gi")'),
  pods: quantityString.optional().describe('Pods (default 1)'),
  gpu: z.strictObject({ count: quantityString, model: wireText(256).min(1).optional() }).optional(),
  storage: quantityString.optional(),
})

const serviceNeedWire = z.strictObject({
  type: z.literal('service'),
  category: wireText(256).min(1, 'must not be empty'),
  tags: z.array(wireText(256).min(1)).max(32).default([]).describe('Every one must be among the flavour’s tags'),
  configuration: jsonValue()
    .pipe(z.record(z.string(), z.unknown()))
    .optional()
    .describe('Configuration data, checked against the service flavour’s template'),
})

const moneyWire = z.strictObject({
  amount: z.string().regex(DECIMAL, 'must be a decimal number such as "0.10"'),
  currency: wireText(16).min(1, 'must not be empty'),
})

const constraintsWire = z.strictObject({
  maxPricePerHour: moneyWire.optional(),
  countries: z.array(wireText(128).min(1)).min(1).max(64).optional(),
  maxLatencyMs: z.number().int().min(0).max(60_000).optional(),
  minRating: z.number().min(1).max(5).optional(),
})

const workloadWire = z.strictObject({
  name: z.string().regex(DNS_LABEL, 'must be a DNS-1123 label (lowercase letters, digits and hyphens, at most 63)'),
  manifests: z
    .array(jsonValue().pipe(z.record(z.string(), z.unknown())))
    .min(1)
    .max(MAX_INTENT_MANIFESTS)
    .describe(`Kubernetes objects, at most ${MAX_INTENT_MANIFESTS}`),
})

/** The body of `POST /intents/v1`: rear-cloud's own camelCase API (not FLUIDOS wire), strict. */
export const intentRequestWire = z
  .strictObject({
    need: z.discriminatedUnion('type', [k8sliceNeedWire, serviceNeedWire]),
    constraints: constraintsWire.default({}),
    action: z.enum(INTENT_ACTIONS),
    reserveBest: z.number().int().min(1).max(MAX_RESERVE_BEST).default(1).describe('Reserve the best k, buy one, release the rest'),
    workload: workloadWire.optional().describe('Required when action is deploy, refused otherwise'),
    callbackUrl: httpUrl.optional().describe('Receives every phase change, signed like the intent webhook'),
    deadlineSeconds: z.number().int().min(MIN_DEADLINE_SECONDS).max(MAX_DEADLINE_SECONDS).default(DEFAULT_DEADLINE_SECONDS),
  })
  .superRefine((body, ctx) => {
    if (body.action === 'deploy' && !body.workload) ctx.addIssue({ code: 'custom', path: ['workload'], message: 'is required when action is deploy' })
    if (body.action !== 'deploy' && body.workload) ctx.addIssue({ code: 'custom', path: ['workload'], message: 'is only for action deploy' })
    if (body.workload && JSON.stringify(body.workload).length > MAX_WORKLOAD_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['workload'], message: `must be at most ${MAX_WORKLOAD_BYTES} bytes of JSON` })
    }
    if (body.need.type === 'service' && (body.action === 'peer' || body.action === 'deploy')) {
      ctx.addIssue({ code: 'custom', path: ['action'], message: 'peer and deploy need a k8slice' })
    }
  })

/** What a decoded intent request asks for. */
export interface IntentRequest {
  need: IntentNeed
  constraints: IntentConstraints
  action: IntentAction
  reserveBest: number
  workload?: IntentWorkload
  callbackUrl?: string
  deadlineSeconds: number
}

/** Decodes an intent body; a ValidationError (400, `INVALID_BODY`) names the first bad field. */
export function intentRequestFromWire(body: unknown): IntentRequest {
  const wire = decodeWith(intentRequestWire, body, 'intent')
  const need: IntentNeed =
    wire.need.type === 'k8slice'
      ? {
          type: 'k8slice',
          cpu: wire.need.cpu,
          memory: wire.need.memory,
          ...(wire.need.architecture ? { architecture: wire.need.architecture } : {}),
          ...(wire.need.pods ? { pods: wire.need.pods } : {}),
          ...(wire.need.gpu ? { gpu: { count: wire.need.gpu.count, ...(wire.need.gpu.model ? { model: wire.need.gpu.model } : {}) } } : {}),
          ...(wire.need.storage ? { storage: wire.need.storage } : {}),
        }
      : { type: 'service', category: wire.need.category, tags: wire.need.tags, ...(wire.need.configuration ? { configuration: wire.need.configuration } : {}) }
  const c = wire.constraints
  const constraints: IntentConstraints = {
    ...(c.maxPricePerHour ? { maxPricePerHour: c.maxPricePerHour } : {}),
    ...(c.countries ? { countries: c.countries } : {}),
    ...(c.maxLatencyMs !== undefined ? { maxLatencyMs: c.maxLatencyMs } : {}),
    ...(c.minRating !== undefined ? { minRating: c.minRating } : {}),
  }
  return {
    need,
    constraints,
    action: wire.action,
    reserveBest: wire.reserveBest,
    ...(wire.workload ? { workload: wire.workload } : {}),
    ...(wire.callbackUrl ? { callbackUrl: wire.callbackUrl } : {}),
    deadlineSeconds: wire.deadlineSeconds,
  }
}

/** A need as the API shows it: quantities as canonical Kubernetes strings. */
export function needToWire(need: IntentNeed): Record<string, unknown> {
  if (need.type === 'service') return { type: 'service', category: need.category, tags: need.tags, ...(need.configuration ? { configuration: need.configuration } : {}) }
  return {
    type: 'k8slice',
    ...(need.architecture ? { architecture: need.architecture } : {}),
    cpu: need.cpu.toString(),
    memory: need.memory.toString(),
    ...(need.pods ? { pods: need.pods.toString() } : {}),
    ...(need.gpu ? { gpu: { count: need.gpu.count.toString(), ...(need.gpu.model ? { model: need.gpu.model } : {}) } } : {}),
    ...(need.storage ? { storage: need.storage.toString() } : {}),
  }
}

function needFromStored(value: Record<string, unknown>): IntentNeed {
  if (value.type === 'service') return value as unknown as IntentNeed
  const q = (key: string) => Quantity.parse(value[key] as string)
  const gpu = value.gpu as { count: string; model?: string } | undefined
  return {
    type: 'k8slice',
    cpu: q('cpu'),
    memory: q('memory'),
    ...(value.architecture ? { architecture: value.architecture as string } : {}),
    ...(value.pods ? { pods: q('pods') } : {}),
    ...(gpu ? { gpu: { count: Quantity.parse(gpu.count), ...(gpu.model ? { model: gpu.model } : {}) } } : {}),
    ...(value.storage ? { storage: q('storage') } : {}),
  }
}

const candidateView = (c: IntentCandidate) => ({ providerId: c.providerId, flavourId: c.flavourId, route: c.route, score: c.score, terms: c.terms, why: c.why })

/** `GET /intents/v1/{id}`: what the platform sees of an intent. */
export function intentView(intent: Intent) {
  return {
    id: intent.id,
    phase: intent.phase,
    action: intent.action,
    need: needToWire(intent.need),
    constraints: intent.constraints,
    reserveBest: intent.reserveBest,
    callbackUrl: intent.callbackUrl ?? null,
    createdAt: intent.createdAt.toISOString(),
    updatedAt: intent.updatedAt.toISOString(),
    deadline: intent.deadline.toISOString(),
    chosen: intent.chosen ? candidateView(intent.chosen) : null,
    runnerUp: intent.runnerUp ? candidateView(intent.runnerUp) : null,
    attempts: intent.attempts.map((a) => ({ operationId: a.operationId ?? null, providerId: a.providerId, flavourId: a.flavourId, outcome: a.outcome, ...(a.reason ? { reason: a.reason } : {}) })),
    operationId: intent.operationId ?? null,
    contractId: intent.contractId ?? null,
    allocationId: intent.allocationId ?? null,
    workload: intent.workloadStatus
      ? { name: intent.workloadStatus.name, phase: intent.workloadStatus.phase, readyPods: intent.workloadStatus.readyPods, totalPods: intent.workloadStatus.totalPods, node: intent.workloadStatus.node ?? null }
      : null,
    failure: intent.failure ?? null,
    rating: intent.rating ? { score: intent.rating.score, comment: intent.rating.comment ?? null, at: intent.rating.at.toISOString() } : null,
    callbacks: intent.callbacks.map((c) => ({ deliveryId: c.deliveryId, phase: c.phase, status: c.status, attempts: c.attempts })),
    timeline: intent.timeline.map((t) => ({ at: t.at.toISOString(), step: t.step, participant: t.participant, message: t.message })),
  }
}
export type IntentView = ReturnType<typeof intentView>

const termWire = z.object({ name: z.string(), weight: z.number(), value: z.number(), why: z.string() })
const candidateWire = z.object({ providerId: z.string(), flavourId: z.string(), route: z.array(z.string()), score: z.number(), terms: z.array(termWire), why: z.string() })

/** The status view's schema (documentation and tests). */
export const intentStatusWire = z.object({
  id: z.string(),
  phase: z.enum(INTENT_PHASES),
  action: z.enum(INTENT_ACTIONS),
  need: z.record(z.string(), z.unknown()),
  constraints: z.record(z.string(), z.unknown()),
  reserveBest: z.number().int(),
  callbackUrl: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deadline: z.string(),
  chosen: candidateWire.nullable().describe('The winner and why it won, each term of its score'),
  runnerUp: candidateWire.nullable(),
  attempts: z.array(
    z.object({
      operationId: z.string().nullable(),
      providerId: z.string(),
      flavourId: z.string(),
      outcome: z.enum(['reserving', 'reserved', 'purchasing', 'purchased', 'failed', 'released']),
      reason: z.string().optional(),
    }),
  ),
  operationId: z.string().nullable().describe('The chain operation (GET /chain/v1/operations/{id})'),
  contractId: z.string().nullable(),
  allocationId: z.string().nullable(),
  workload: z.object({ name: z.string(), phase: z.enum(WORKLOAD_PHASES), readyPods: z.number().int(), totalPods: z.number().int(), node: z.string().nullable() }).nullable(),
  failure: z.object({ step: z.number().int(), code: z.string(), reason: z.string() }).nullable(),
  rating: z.object({ score: z.number().int(), comment: z.string().nullable(), at: z.string() }).nullable(),
  callbacks: z.array(z.object({ deliveryId: z.string(), phase: z.enum(INTENT_PHASES), status: z.enum(['pending', 'delivered', 'dead-lettered']), attempts: z.number().int() })),
  timeline: z.array(z.object({ at: z.string(), step: z.number().int().min(1).max(41), participant: z.string(), message: z.string() })),
})

/** `GET /intents/v1` query. */
export const intentListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_INTENT_PAGE).optional().describe('Intents per page (default 20)'),
  cursor: wireText(512).optional().describe('The next of the previous page'),
})

/** `POST /intents/v1/{id}/rating` body. */
export const ratingWire = z.strictObject({
  score: z.number().int().min(1).max(5),
  comment: wireText(MAX_RATING_COMMENT).optional(),
})

export const intentIdWire = wireId

/** The intent as stored (JSON): quantities as strings, instants as ISO text. */
export function intentToStored(intent: Intent): Record<string, unknown> {
  return JSON.parse(JSON.stringify({ ...intent, need: needToWire(intent.need) }))
}

const DATE_KEYS = new Set(['createdAt', 'updatedAt', 'deadline', 'at', 'startedAt', 'purchasedAt'])

function revive(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => revive(item))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'need' || k === 'workload' || k === 'constraints' ? v : revive(v, k)]))
  if (typeof value === 'string' && DATE_KEYS.has(key)) return new Date(value)
  return value
}

export function intentFromStored(stored: Record<string, unknown>): Intent {
  const intent = revive(stored) as Intent & { need: Record<string, unknown> }
  return { ...intent, need: needFromStored(intent.need) }
}

/** An intent message on the chain queue (`{kind, …}`), as the chain batch handler reads it back. */
export const intentMessageWire = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('intent-step'), intentId: wireId, attempt: z.number().int().min(1).max(1_000_000) }),
  z.strictObject({ kind: z.literal('intent-callback'), intentId: wireId, phase: z.enum(INTENT_PHASES), deliveryId: wireId, attempt: z.number().int().min(1).max(100) }),
])

/** Decodes a queued intent message; a ValidationError for anything else. */
export const intentMessageFromWire = (body: unknown): z.output<typeof intentMessageWire> => decodeWith(intentMessageWire, body, 'intent message')
