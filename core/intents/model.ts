import type { Quantity } from '../quantity/quantity.ts'
import type { WorkloadPhase } from '../chain/model.ts'

/** The FLUIDOS Solver's phases (reference §7.1): Pending until the orchestrator takes it, then one of the three ends. */
export const INTENT_PHASES = ['Pending', 'Running', 'Solved', 'Failed', 'TimedOut'] as const
export type IntentPhase = (typeof INTENT_PHASES)[number]
export const isFinalPhase = (phase: IntentPhase) => phase === 'Solved' || phase === 'Failed' || phase === 'TimedOut'

/** How far the orchestrator goes: rank only, also buy, also peer (virtual node Ready), also deploy a workload. */
export const INTENT_ACTIONS = ['find', 'buy', 'peer', 'deploy'] as const
export type IntentAction = (typeof INTENT_ACTIONS)[number]

/** A K8Slice wanted: each quantity is the least acceptable (exact `Quantity`, parsed from Kubernetes quantity strings). */
export interface K8SliceNeed {
  type: 'k8slice'
  architecture?: string
  cpu: Quantity
  memory: Quantity
  /** Pods asked for; 1 when left out. */
  pods?: Quantity
  gpu?: { count: Quantity; model?: string }
  storage?: Quantity
}

/** A service wanted: its category, every one of `tags`, and the configuration data its template checks. */
export interface ServiceNeed {
  type: 'service'
  category: string
  tags: string[]
  configuration?: Record<string, unknown>
}

export type IntentNeed = K8SliceNeed | ServiceNeed

export interface Money {
  /** Decimal text, as flavour prices are. */
  amount: string
  currency: string
}

/** Hard limits a candidate must meet; ranking excludes any that does not. */
export interface IntentConstraints {
  maxPricePerHour?: Money
  /** Allowed countries or regions (the flavour's `location.country`), compared case-insensitively. */
  countries?: string[]
  maxLatencyMs?: number
  /** Least mean provider rating, 1–5; a provider not yet rated passes. */
  minRating?: number
}

/** Kubernetes objects to deploy on the contract's virtual node, under one name (= namespace). */
export interface IntentWorkload {
  name: string
  manifests: Record<string, unknown>[]
}

export interface ScoreTermView {
  name: string
  weight: number
  value: number
  why: string
}

/** A ranked candidate as the intent keeps it (no flavour body: the chain reads the fresh candidate). */
export interface IntentCandidate {
  providerId: string
  flavourId: string
  /** From the next hop to the provider. */
  route: string[]
  score: number
  terms: ScoreTermView[]
  why: string
}

export type AttemptOutcome = 'reserving' | 'reserved' | 'purchasing' | 'purchased' | 'failed' | 'released'

/** One chain started for the intent; `outcome` follows the chain until it settles. */
export interface IntentAttempt {
  /** Absent when the chain could not even start (the reason says why). */
  operationId?: string
  providerId: string
  flavourId: string
  outcome: AttemptOutcome
  reason?: string
  startedAt: Date
  /** When the chain was purchased (peering time is measured from here). */
  purchasedAt?: Date
}

export interface IntentFailure {
  /** The seed step where the intent stopped. */
  step: number
  code: string
  reason: string
}

/** One line of the intent's own timeline, numbered as the seed workflow (`../shared/seeds/000_*.txt`). */
export interface IntentTimelineEntry {
  at: Date
  step: number
  participant: string
  message: string
}

export interface IntentWorkloadStatus {
  name: string
  phase: WorkloadPhase
  readyPods: number
  totalPods: number
  node?: string
}

export type CallbackStatus = 'pending' | 'delivered' | 'dead-lettered'

/** One phase change told to the callback URL; `deliveryId` is its `webhook-id`, kept across retries. */
export interface IntentCallback {
  deliveryId: string
  phase: IntentPhase
  status: CallbackStatus
  attempts: number
  lastError?: string
}

export interface IntentRating {
  score: number
  comment?: string
  at: Date
}

/**
 * Where the Node Orchestrator stands (one bounded piece of work per step message). `done` is past
 * the end; `cleanup` releases reservations that settled after the intent ended.
 */
export const ORCHESTRATOR_STEPS = [
  'decompose',
  'local-resources',
  'peering-candidates',
  'discover',
  'rank',
  'reserve',
  'await-reserved',
  'await-purchased',
  'await-peering',
  'deploy',
  'await-workload',
  'cleanup',
  'done',
] as const
export type OrchestratorStep = (typeof ORCHESTRATOR_STEPS)[number]

/** Most candidates kept ranked on the intent (failover tries them in order). */
export const MAX_KEPT_CANDIDATES = 20
/** Most chains one intent may reserve at once (`reserveBest`). */
export const MAX_RESERVE_BEST = 5
/** Most step messages one intent may use: a guard against a loop, far beyond any deadline's waits. */
export const MAX_STEPS = 2_000

/** A platform's request as the Node Orchestrator works on it (seed steps 1–41). */
export interface Intent {
  id: string
  /** The `webhook-id` it arrived with: a replay of that delivery returns this intent. */
  webhookId: string
  phase: IntentPhase
  action: IntentAction
  need: IntentNeed
  constraints: IntentConstraints
  /** Reserve the best k, buy one, release the rest (1–5). */
  reserveBest: number
  workload?: IntentWorkload
  callbackUrl?: string
  createdAt: Date
  updatedAt: Date
  deadline: Date
  step: OrchestratorStep
  /** Counts step messages sent; a message for another count is a duplicate or stale, and is dropped. */
  stepCount: number
  /** Consecutive waits in the current step (the next wait is longer). */
  waits: number
  /** Candidates in rank order, best first, at most {@link MAX_KEPT_CANDIDATES}. */
  candidates: IntentCandidate[]
  chosen?: IntentCandidate
  runnerUp?: IntentCandidate
  attempts: IntentAttempt[]
  operationId?: string
  contractId?: string
  allocationId?: string
  workloadStatus?: IntentWorkloadStatus
  failure?: IntentFailure
  timeline: IntentTimelineEntry[]
  callbacks: IntentCallback[]
  rating?: IntentRating
  version: number
}

/** Messages on the participant's chain queue that drive intents (the chain batch handler dispatches on `kind`). */
export type IntentMessage =
  | { kind: 'intent-step'; intentId: string; attempt: number }
  | { kind: 'intent-callback'; intentId: string; phase: IntentPhase; deliveryId: string; attempt: number }

export const INTENT_MESSAGE_KINDS = ['intent-step', 'intent-callback'] as const
export const isIntentMessage = (value: unknown): value is IntentMessage =>
  typeof value === 'object' && value !== null && INTENT_MESSAGE_KINDS.includes((value as { kind?: never }).kind as never)
