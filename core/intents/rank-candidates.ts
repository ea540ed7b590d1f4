import { isK8Slice } from '../flavours/model.ts'
import type { Flavour, K8SliceFlavour } from '../flavours/model.ts'
import { Quantity } from '../quantity/quantity.ts'
import type { ProviderStats } from '../providers/ports.ts'
import type { IntentConstraints, IntentNeed, K8SliceNeed } from './model.ts'
import { formatMicros, formatRate, hourlyRate, limitRate, normaliseCurrency, parseMicros, ratio } from './money.ts'

export interface RankInput {
  need: IntentNeed
  constraints: IntentConstraints
  candidates: CandidateFacts[]
  /** What this node measured and was told of each provider, by provider id; a provider absent is unknown. */
  stats: Map<string, ProviderStats>
}

/** A flavour that could serve the need, and how it is reached. */
export interface CandidateFacts {
  flavour: Flavour
  providerId: string
  /** From the next hop to the provider. */
  route: string[]
  /** When this was known at its source. */
  seenAt: Date
}

export type ScoreTermName = 'price' | 'location' | 'latency' | 'rating' | 'successRate' | 'fit'

export interface ScoreTerm {
  name: ScoreTermName
  weight: number
  /** 0..1, higher is better. */
  value: number
  why: string
}

export interface RankedCandidate extends CandidateFacts {
  /** Σ weight × value, 0..1; 0 for an excluded candidate. */
  score: number
  terms: ScoreTerm[]
  /** Why a hard constraint filtered it out (each failed constraint, joined by "; "). */
  excluded?: string
}

export interface Ranking {
  /** Best first. */
  ranked: RankedCandidate[]
  excluded: RankedCandidate[]
  /** Why the winner won, against the runner-up by the terms that decided it; or why nothing is left. */
  explanation: string
}

/**
 * The score's terms, their weights (summing to 1) and how each value in 0..1 is read. The same table
 * is in docs/ranking.md (a unit test keeps the two equal).
 *
 * | term        | weight | value                                                                                                  |
 * |-------------|--------|--------------------------------------------------------------------------------------------------------|
 * | price       | 0.30   | per-hour price: 1 − (price − cheapest) / dearest, so the cheapest is 1 and the dearest cheapest/dearest |
 * | fit         | 0.20   | need ÷ size bought, averaged over cpu, memory, pods; the size bought is the smallest the flavour sells covering the need (its partitionability), so a flavour cut to the need fits 1 |
 * | successRate | 0.15   | the provider's chains, Laplace-smoothed: (successes + 1) / (chains + 2); unknown provider 0.5           |
 * | rating      | 0.15   | the provider's mean rating / 5; not yet rated 0.5                                                     |
 * | latency     | 0.10   | mean of what is known of: advertised latency (properties.latency), measured chain answer time, measured peering time; each 1 − (x − least) / most; nothing known 0.5 |
 * | location    | 0.10   | 1 when the flavour names its country (any allowed country, when the intent lists some); 0.5 when it does not |
 */
export const RANKING_TERMS: readonly { name: ScoreTermName; weight: number; rule: string }[] = [
  {
    name: 'price',
    weight: 0.3,
    rule: 'per-hour price: 1 − (price − cheapest) / dearest, so the cheapest is 1 and the dearest cheapest/dearest',
  },
  {
    name: 'fit',
    weight: 0.2,
    rule: 'need ÷ size bought, averaged over cpu, memory, pods; the size bought is the smallest the flavour sells covering the need (its partitionability), so a flavour cut to the need fits 1',
  },
  { name: 'successRate', weight: 0.15, rule: "the provider's chains, Laplace-smoothed: (successes + 1) / (chains + 2); unknown provider 0.5" },
  { name: 'rating', weight: 0.15, rule: "the provider's mean rating / 5; not yet rated 0.5" },
  {
    name: 'latency',
    weight: 0.1,
    rule: 'mean of what is known of: advertised latency (properties.latency), measured chain answer time, measured peering time; each 1 − (x − least) / most; nothing known 0.5',
  },
  { name: 'location', weight: 0.1, rule: '1 when the flavour names its country (any allowed country, when the intent lists some); 0.5 when it does not' },
]

const WEIGHT = Object.fromEntries(RANKING_TERMS.map((t) => [t.name, t.weight])) as Record<ScoreTermName, number>

/** Scores closer than this are a tie, decided by the tie-break. */
const TIE = 1e-9

interface Scored {
  facts: CandidateFacts
  rate?: bigint
  currency?: string
  terms: ScoreTerm[]
  score: number
  /** Short facts per term, for comparing two candidates in the explanation. */
  shown: Record<ScoreTermName, string>
}

/**
 * Ranks candidates for an intent: drops those breaking a hard constraint (each with its reason), scores
 * the rest by {@link RANKING_TERMS} and orders them best first. Ties (scores within 1e-9) go to the
 * cheaper, then the more recently seen, then by provider id, then by flavour id, so the order never
 * depends on the input's. Prices are compared exactly (bigint micro-units per hour); floats are used
 * only for the 0..1 values. Pure.
 */
export function rankCandidates(input: RankInput): Ranking {
  const limit = priceLimit(input.constraints)
  const kept: { facts: CandidateFacts; rate?: bigint; currency?: string }[] = []
  const excluded: RankedCandidate[] = []
  for (const facts of input.candidates) {
    const reasons = [...constraintFailures(facts, input, limit), ...needFailures(facts.flavour, input.need)]
    const price = hourlyRate(facts.flavour.price)
    if (reasons.length > 0 || !price.ok) {
      if (!price.ok && !reasons.includes(price.reason)) reasons.unshift(price.reason)
      excluded.push({ ...facts, score: 0, terms: [], excluded: reasons.join('; ') })
      continue
    }
    kept.push({ facts, rate: price.rate, currency: price.currency })
  }
  const scored = scoreAll(kept, input)
  scored.sort(byRank)
  const ranked = scored.map((s) => ({ ...s.facts, score: s.score, terms: s.terms }))
  excluded.sort((a, b) => compareText(a.providerId, b.providerId) || compareText(a.flavour.id, b.flavour.id))
  return { ranked, excluded, explanation: explain(scored, excluded) }
}

interface PriceLimit {
  rate: bigint
  currency: string
  text: string
}

function priceLimit(constraints: IntentConstraints): PriceLimit | undefined {
  const max = constraints.maxPricePerHour
  if (!max) return undefined
  const micros = parseMicros(max.amount)
  const currency = normaliseCurrency(max.currency)
  if (micros === undefined) return { rate: -1n, currency, text: `${max.amount} ${currency}/h` }
  return { rate: limitRate(micros), currency, text: `${formatMicros(micros)} ${currency}/h` }
}

function constraintFailures(facts: CandidateFacts, input: RankInput, limit: PriceLimit | undefined): string[] {
  const { flavour } = facts
  const { constraints } = input
  const reasons: string[] = []
  if (!flavour.available) reasons.push('flavour not available')
  const price = hourlyRate(flavour.price)
  if (limit && price.ok) {
    if (price.currency !== limit.currency) reasons.push(`priced in ${price.currency}, the limit is in ${limit.currency}`)
    else if (limit.rate < 0n) reasons.push(`the price limit ${limit.text} is not a decimal amount`)
    else if (price.rate > limit.rate) reasons.push(`${formatRate(price.rate)} ${price.currency}/h is above the limit of ${limit.text}`)
  }
  const countries = constraints.countries ?? []
  if (countries.length > 0) {
    const country = flavour.location?.country?.trim()
    const allowed = countries.map((c) => c.trim().toLowerCase())
    if (!country) reasons.push(`country unknown, the intent allows only ${countries.join(', ')}`)
    else if (!allowed.includes(country.toLowerCase())) reasons.push(`in ${country}, not in ${countries.join(', ')}`)
  }
  const latency = advertisedLatency(flavour)
  if (constraints.maxLatencyMs !== undefined && latency !== undefined && latency > constraints.maxLatencyMs) {
    reasons.push(`latency ${latency} ms is above ${constraints.maxLatencyMs} ms`)
  }
  const stats = input.stats.get(facts.providerId)
  if (constraints.minRating !== undefined && stats?.ratings && stats.meanRating !== undefined && stats.meanRating < constraints.minRating) {
    reasons.push(`provider rated ${round(stats.meanRating, 2)} of 5, below the minimum ${constraints.minRating}`)
  }
  return reasons
}

function needFailures(flavour: Flavour, need: IntentNeed): string[] {
  if (flavour.spec.type !== need.type) return [`a ${flavour.spec.type} flavour, the intent needs a ${need.type}`]
  if (need.type === 'service') {
    if (flavour.spec.type !== 'service') return []
    const reasons: string[] = []
    if (need.category && flavour.spec.category.toLowerCase() !== need.category.toLowerCase()) {
      reasons.push(`service category ${flavour.spec.category}, not ${need.category}`)
    }
    const offered = flavour.spec.tags.map((t) => t.toLowerCase())
    const missing = need.tags.filter((t) => !offered.includes(t.toLowerCase()))
    if (missing.length > 0) reasons.push(`service lacks tags ${missing.join(', ')}`)
    return reasons
  }
  if (!isK8Slice(flavour)) return []
  const c = flavour.spec.characteristics
  const reasons: string[] = []
  if (need.architecture && c.architecture.toLowerCase() !== need.architecture.toLowerCase()) {
    reasons.push(`architecture ${c.architecture}, not ${need.architecture}`)
  }
  const short = (what: string, wanted: Quantity, offered: Quantity | undefined) => {
    const have = offered ?? Quantity.zero()
    if (wanted.cmp(have) > 0) reasons.push(`too small: ${what} ${have.toString()} < ${wanted.toString()}`)
  }
  short('cpu', need.cpu, c.cpu)
  short('memory', need.memory, c.memory)
  short('pods', podsOf(need), c.pods)
  if (need.storage) short('storage', need.storage, c.storage)
  if (need.gpu && !need.gpu.count.isZero()) {
    if (!c.gpu || c.gpu.cores.isZero()) reasons.push(`no GPU, the intent needs ${need.gpu.count.toString()}`)
    else {
      short('gpu', need.gpu.count, c.gpu.cores)
      if (need.gpu.model && c.gpu.model.toLowerCase() !== need.gpu.model.toLowerCase()) reasons.push(`GPU model ${c.gpu.model}, not ${need.gpu.model}`)
    }
  }
  return reasons
}

const ONE = Quantity.parse('1')
const podsOf = (need: K8SliceNeed): Quantity => need.pods ?? ONE

const advertisedLatency = (flavour: Flavour): number | undefined => {
  const latency = isK8Slice(flavour) ? flavour.spec.properties.latency : undefined
  return typeof latency === 'number' && Number.isFinite(latency) && latency >= 0 ? latency : undefined
}

function scoreAll(kept: { facts: CandidateFacts; rate?: bigint; currency?: string }[], input: RankInput): Scored[] {
  const currency = referenceCurrency(kept, input.constraints)
  const rates = kept.filter((k) => k.currency === currency).map((k) => k.rate!)
  const cheapest = rates.reduce((a, b) => (b < a ? b : a), rates[0] ?? 0n)
  const dearest = rates.reduce((a, b) => (b > a ? b : a), rates[0] ?? 0n)
  const statsOf = (facts: CandidateFacts) => input.stats.get(facts.providerId)
  const advertised = spread(kept.map((k) => advertisedLatency(k.facts.flavour)))
  const answer = spread(kept.map((k) => statsOf(k.facts)?.meanAnswerMs))
  const peering = spread(kept.map((k) => statsOf(k.facts)?.meanPeeringMs))

  return kept.map(({ facts, rate, currency: own }) => {
    const stats = statsOf(facts)
    const shown = {} as Record<ScoreTermName, string>
    const term = (name: ScoreTermName, value: number, why: string, fact: string): ScoreTerm => {
      shown[name] = fact
      return { name, weight: WEIGHT[name], value: round(value, 4), why }
    }
    const perHour = `${formatRate(rate!)} ${own}/h`
    const price =
      own !== currency
        ? term('price', 0.5, `${perHour}: not comparable with ${currency} prices, neutral`, perHour)
        : term(
            'price',
            dearest === 0n ? 1 : 1 - ratio(rate! - cheapest, dearest),
            rate === cheapest
              ? `${perHour}, cheapest of ${rates.length}`
              : `${perHour}, vs ${formatRate(cheapest)} ${currency}/h for the cheapest of ${rates.length}`,
            perHour,
          )
    const fitted = fitOf(facts.flavour, input.need)
    const fit = term('fit', fitted.value, fitted.why, round(fitted.value, 2).toFixed(2))
    const success = stats && stats.chains > 0 ? (stats.successes + 1) / (stats.chains + 2) : 0.5
    const chains = stats && stats.chains > 0 ? `${stats.successes} of ${stats.chains} chains succeeded` : 'no chains yet'
    const successRate = term('successRate', success, `${chains}, smoothed to ${round(success, 2).toFixed(2)}`, chains.replace(' succeeded', ''))
    const rated = stats && stats.ratings > 0 && stats.meanRating !== undefined
    const rating = rated
      ? term('rating', stats.meanRating! / 5, `mean ${round(stats.meanRating!, 2)} of 5 over ${stats.ratings} rating${stats.ratings === 1 ? '' : 's'}`, `${round(stats.meanRating!, 2)} of 5`)
      : term('rating', 0.5, 'not rated yet, neutral', 'no ratings')
    const parts = [
      advertised.score(advertisedLatency(facts.flavour), (x) => `advertised ${x} ms`),
      answer.score(stats?.meanAnswerMs, (x) => `chains answered in ${Math.round(x)} ms`),
      peering.score(stats?.meanPeeringMs, (x) => `peered in ${Math.round(x)} ms`),
    ].filter((p) => p !== undefined)
    const latency =
      parts.length === 0
        ? term('latency', 0.5, 'latency unknown, neutral', 'unknown latency')
        : term('latency', parts.reduce((sum, p) => sum + p.value, 0) / parts.length, parts.map((p) => p.why).join(', '), parts.map((p) => p.fact).join(', '))
    const country = facts.flavour.location?.country?.trim()
    const constrained = (input.constraints.countries ?? []).length > 0
    const location = country
      ? term('location', 1, constrained ? `in ${country}, an allowed country` : `in ${country}`, country)
      : term('location', 0.5, 'country not stated, neutral', 'country unknown')
    const terms = [price, fit, successRate, rating, latency, location]
    const score = round(
      terms.reduce((sum, t) => sum + t.weight * t.value, 0),
      4,
    )
    return { facts, rate, currency: own, terms, score, shown }
  })
}

/** The constraint's currency, else the one most candidates are priced in (ties: alphabetical). */
function referenceCurrency(kept: { currency?: string }[], constraints: IntentConstraints): string {
  if (constraints.maxPricePerHour) return normaliseCurrency(constraints.maxPricePerHour.currency)
  const counts = new Map<string, number>()
  for (const k of kept) counts.set(k.currency!, (counts.get(k.currency!) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0]?.[0] ?? ''
}

/** Lower is better: 1 − (x − least) / most over the known values, so the least is 1. */
function spread(values: (number | undefined)[]) {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0)
  const least = Math.min(...known)
  const most = Math.max(...known)
  return {
    score(x: number | undefined, label: (x: number) => string) {
      if (x === undefined || !Number.isFinite(x) || x < 0) return undefined
      const value = most === 0 ? 1 : 1 - (x - least) / most
      const fact = label(x)
      return { value, fact, why: known.length > 1 ? `${fact} (best ${Math.round(least)} ms of ${known.length})` : fact }
    },
  }
}

/**
 * How snugly a flavour serves the need: need ÷ the smallest size it sells covering the need
 * (`min + k·step`, at most the whole flavour), averaged over cpu, memory and pods. A service fits 1.
 */
export function fitOf(flavour: Flavour, need: IntentNeed): { value: number; why: string } {
  if (!isK8Slice(flavour) || need.type !== 'k8slice') return { value: 1, why: 'a service is bought as offered' }
  const sized = sizedTo(flavour, need)
  const ratios = [
    ratio(need.cpu.nanos, sized.cpu.nanos),
    ratio(need.memory.nanos, sized.memory.nanos),
    ratio(podsOf(need).nanos, sized.pods.nanos),
  ]
  const value = ratios.reduce((a, b) => a + b, 0) / ratios.length
  const whole = ['cpu', 'memory', 'pods'].every((r) => sized[r as 'cpu'].cmp(flavour.spec.characteristics[r as 'cpu']) === 0)
  const size = `${sized.cpu} cpu, ${sized.memory} memory, ${sized.pods} pods`
  if (value >= 1 - TIE) return { value: 1, why: `sold cut to the need (${size})` }
  return {
    value,
    why: `${whole ? 'sold whole' : 'smallest cut'} ${size} for a need of ${need.cpu} cpu, ${need.memory} memory, ${podsOf(need)} pods (${Math.round(value * 100)}% used)`,
  }
}

/** The smallest K8Slice the flavour sells that covers the need: per resource `min + k·step` ≥ need, capped at the flavour. */
export function sizedTo(flavour: K8SliceFlavour, need: K8SliceNeed): { cpu: Quantity; memory: Quantity; pods: Quantity } {
  const c = flavour.spec.characteristics
  const p = flavour.spec.partitionability
  const cut = (wanted: Quantity, min: Quantity, step: Quantity, whole: Quantity): Quantity => {
    let size = wanted.cmp(min) < 0 ? min : wanted
    if (step.nanos > 0n && size.cmp(min) > 0) {
      const steps = (size.nanos - min.nanos + step.nanos - 1n) / step.nanos
      size = Quantity.fromNanos(min.nanos + steps * step.nanos, whole.format)
    }
    return size.cmp(whole) > 0 || min.cmp(whole) >= 0 ? whole : size
  }
  return {
    cpu: cut(need.cpu, p.cpuMin, p.cpuStep, c.cpu),
    memory: cut(need.memory, p.memoryMin, p.memoryStep, c.memory),
    pods: cut(podsOf(need), p.podsMin, p.podsStep, c.pods),
  }
}

function byRank(a: Scored, b: Scored): number {
  if (Math.abs(a.score - b.score) > TIE) return b.score - a.score
  return tieBreak(a, b)
}

function tieBreak(a: Scored, b: Scored): number {
  if (a.currency === b.currency && a.rate !== b.rate) return a.rate! < b.rate! ? -1 : 1
  const seen = b.facts.seenAt.getTime() - a.facts.seenAt.getTime()
  if (seen !== 0) return seen
  return compareText(a.facts.providerId, b.facts.providerId) || compareText(a.facts.flavour.id, b.facts.flavour.id)
}

const TERM_PHRASES: Record<ScoreTermName, [better: string, worse: string]> = {
  price: ['cheaper', 'dearer'],
  fit: ['a snugger fit', 'a looser fit'],
  successRate: ['more reliable', 'less reliable'],
  rating: ['better rated', 'rated lower'],
  latency: ['faster', 'slower'],
  location: ['a known location', 'an unknown location'],
}

function explain(scored: Scored[], excluded: RankedCandidate[]): string {
  const dropped = excluded.length > 0 ? `; ${excluded.length} excluded` : ''
  const [winner, runnerUp] = scored
  if (!winner) {
    if (excluded.length === 0) return 'no candidate to rank'
    const reasons = excluded.slice(0, 3).map((e) => `${e.flavour.id} (${e.excluded})`)
    return `no candidate left: ${excluded.length} excluded: ${reasons.join(', ')}${excluded.length > 3 ? ', …' : ''}`
  }
  const name = `${winner.facts.flavour.id} of ${winner.facts.providerId}`
  if (!runnerUp) return `${name} is the only candidate, score ${winner.score.toFixed(2)}${dropped}`
  const deltas = winner.terms
    .map((t, i) => ({ name: t.name, delta: t.weight * (t.value - runnerUp.terms[i]!.value) }))
    .filter((d) => Math.abs(d.delta) > TIE)
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || compareText(x.name, y.name))
  const compare = (d: { name: ScoreTermName; delta: number }) =>
    `${TERM_PHRASES[d.name][d.delta > 0 ? 0 : 1]} (${winner.shown[d.name]} vs ${runnerUp.shown[d.name]})`
  const favour = deltas.filter((d) => d.delta > 0).slice(0, 3)
  const against = deltas.filter((d) => d.delta < 0).slice(0, 2)
  if (Math.abs(winner.score - runnerUp.score) <= TIE) {
    return `${name} tied at ${winner.score.toFixed(2)} with ${runnerUp.facts.flavour.id} of ${runnerUp.facts.providerId}, ahead by the tie-break: ${tieReason(winner, runnerUp)}${dropped}`
  }
  const despite = against.length > 0 ? `, despite being ${against.map(compare).join(' and ')}` : ''
  return `${name} wins with ${winner.score.toFixed(2)} vs ${runnerUp.score.toFixed(2)} for the runner-up ${runnerUp.facts.flavour.id} of ${runnerUp.facts.providerId}: ${favour.map(compare).join(', ')}${despite}${dropped}`
}

function tieReason(a: Scored, b: Scored): string {
  if (a.currency === b.currency && a.rate !== b.rate) return `cheaper (${a.shown.price} vs ${b.shown.price})`
  if (a.facts.seenAt.getTime() !== b.facts.seenAt.getTime()) return `seen more recently (${a.facts.seenAt.toISOString()} vs ${b.facts.seenAt.toISOString()})`
  if (a.facts.providerId !== b.facts.providerId) return `provider id ${a.facts.providerId} sorts before ${b.facts.providerId}`
  return `flavour id ${a.facts.flavour.id} sorts before ${b.facts.flavour.id}`
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits
