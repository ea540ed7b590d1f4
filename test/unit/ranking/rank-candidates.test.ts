import { describe, expect, it } from 'vitest'
import type { Flavour } from '../../../core/flavours/model.ts'
import type { IntentConstraints, IntentNeed } from '../../../core/intents/model.ts'
import { rankCandidates } from '../../../core/intents/rank-candidates.ts'
import type { CandidateFacts, ScoreTermName } from '../../../core/intents/rank-candidates.ts'
import type { ProviderStats } from '../../../core/providers/ports.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { aK8SliceFlavour, aPartitionability, aProvider, aServiceFlavour } from '../../support/factories.ts'

const q = (text: string) => Quantity.parse(text)
const SEEN = new Date('2026-01-01T00:00:00Z')

interface Offer {
  id: string
  provider?: string
  price?: string
  currency?: string
  period?: string
  cpu?: string
  memory?: string
  pods?: string
  country?: string | null
  latency?: number
  gpu?: { model: string; cores: string; memory: string }
  whole?: boolean
  seenAt?: string
  service?: boolean
}

const offer = (o: Offer): CandidateFacts => {
  const provider = o.provider ?? `provider-${o.id}`
  const price = { amount: o.price ?? '0.04', currency: o.currency ?? 'EUR', period: o.period ?? 'hourly' }
  const cpu = o.cpu ?? '8'
  const memory = o.memory ?? '16Gi'
  const pods = o.pods ?? '110'
  let flavour: Flavour
  if (o.service) flavour = { ...aServiceFlavour({ id: o.id }), providerId: provider, owner: aProvider({ id: provider }), price }
  else {
    const k8s = aK8SliceFlavour({
      id: o.id,
      owner: aProvider({ id: provider }),
      price,
      cpu,
      memory,
      pods,
      ...(o.gpu ? { gpu: o.gpu } : {}),
      ...(o.whole ? { partitionability: aPartitionability({ cpuMin: cpu, memoryMin: memory, podsMin: pods }) } : {}),
    })
    flavour = { ...k8s, spec: { ...k8s.spec, properties: o.latency === undefined ? {} : { latency: o.latency } } }
  }
  const located: Flavour = o.country === null ? { ...flavour, location: {} } : { ...flavour, location: { country: o.country ?? 'Italy' } }
  return { flavour: located, providerId: provider, route: ['supernode', provider], seenAt: o.seenAt ? new Date(o.seenAt) : SEEN }
}

const stats = (providerId: string, s: Partial<ProviderStats>): ProviderStats => ({ providerId, chains: 0, successes: 0, ratings: 0, updatedAt: SEEN, ...s })

const K8S_NEED: IntentNeed = { type: 'k8slice', architecture: 'amd64', cpu: q('2'), memory: q('4Gi'), pods: q('10') }

interface Case {
  name: string
  need?: IntentNeed
  constraints?: IntentConstraints
  offers: Offer[]
  stats?: ProviderStats[]
  winner: string | null
  order?: string[]
  explanation: string | RegExp
  excluded?: Record<string, string>
  terms?: Record<string, Partial<Record<ScoreTermName, number>>>
}

const CASES: Case[] = [
  {
    name: 'the cheapest wins, all else equal',
    offers: [{ id: 'dear', price: '0.06' }, { id: 'cheap', price: '0.04' }],
    winner: 'cheap',
    explanation: 'cheap of provider-cheap wins with 0.80 vs 0.70 for the runner-up dear of provider-dear: cheaper (0.04 EUR/h vs 0.06 EUR/h)',
    terms: { cheap: { price: 1 }, dear: { price: 0.6667 } },
  },
  {
    name: 'a poor success rate loses to a slightly dearer reliable provider',
    offers: [{ id: 'flaky', price: '0.04' }, { id: 'solid', price: '0.045' }],
    stats: [stats('provider-flaky', { chains: 10, successes: 1 }), stats('provider-solid', { chains: 10, successes: 10 })],
    winner: 'solid',
    explanation:
      'solid of provider-solid wins with 0.83 vs 0.75 for the runner-up flaky of provider-flaky: more reliable (10 of 10 chains vs 1 of 10 chains), despite being dearer (0.045 EUR/h vs 0.04 EUR/h)',
    terms: { solid: { successRate: 0.9167, price: 0.8889 }, flaky: { successRate: 0.1667, price: 1 } },
  },
  {
    name: 'a flavour too small for the need is excluded with its reason',
    offers: [{ id: 'tiny', cpu: '1', price: '0.01' }, { id: 'big' }],
    winner: 'big',
    explanation: 'big of provider-big is the only candidate, score 0.80; 1 excluded',
    excluded: { tiny: 'too small: cpu 1 < 2' },
  },
  {
    name: 'a price in another currency than the limit is excluded',
    constraints: { maxPricePerHour: { amount: '0.10', currency: 'EUR' } },
    offers: [{ id: 'dollars', currency: 'USD', price: '0.01' }, { id: 'euros', price: '0.05' }],
    winner: 'euros',
    explanation: /^euros of provider-euros is the only candidate/,
    excluded: { dollars: 'priced in USD, the limit is in EUR' },
  },
  {
    name: 'a price above the limit is excluded, after converting its period to per hour',
    constraints: { maxPricePerHour: { amount: '0.05', currency: 'eur' } },
    offers: [
      { id: 'minutely', price: '0.001', period: 'per-minute' },
      { id: 'daily', price: '0.24', period: 'daily' },
      { id: 'monthly', price: '10', period: 'monthly' },
      { id: 'hourly', price: '0.05', period: 'hourly' },
    ],
    winner: 'daily',
    order: ['daily', 'monthly', 'hourly'],
    explanation: /^daily of provider-daily wins with .* runner-up monthly of provider-monthly: cheaper \(0\.01 EUR\/h vs 0\.013889 EUR\/h\); 1 excluded$/,
    excluded: { minutely: '0.06 EUR/h is above the limit of 0.05 EUR/h' },
  },
  {
    name: 'a flavour outside the allowed countries is excluded',
    constraints: { countries: ['France', 'Spain'] },
    offers: [{ id: 'turin', price: '0.01' }, { id: 'paris', country: 'france' }, { id: 'nowhere', country: null }],
    winner: 'paris',
    explanation: /^paris of provider-paris is the only candidate/,
    excluded: { turin: 'in Italy, not in France, Spain', nowhere: 'country unknown, the intent allows only France, Spain' },
    terms: { paris: { location: 1 } },
  },
  {
    name: 'a provider rated below the minimum is excluded, an unrated one is not',
    constraints: { minRating: 3 },
    offers: [{ id: 'disliked', price: '0.01' }, { id: 'unrated', price: '0.05' }],
    stats: [stats('provider-disliked', { ratings: 2, meanRating: 2.5 })],
    winner: 'unrated',
    explanation: /^unrated of provider-unrated is the only candidate/,
    excluded: { disliked: 'provider rated 2.5 of 5, below the minimum 3' },
    terms: { unrated: { rating: 0.5 } },
  },
  {
    name: 'the GPU model and count must be offered',
    need: { ...K8S_NEED, gpu: { count: q('1'), model: 'NVIDIA-A100-SXM4-40GB' } },
    offers: [
      { id: 't4', price: '0.01', gpu: { model: 'NVIDIA-T4', cores: '2', memory: '16Gi' } },
      { id: 'nogpu', price: '0.01' },
      { id: 'a100', price: '0.5', gpu: { model: 'NVIDIA-A100-SXM4-40GB', cores: '1', memory: '40Gi' } },
    ],
    winner: 'a100',
    explanation: /^a100 of provider-a100 is the only candidate, score 0\.80; 2 excluded$/,
    excluded: { t4: 'GPU model NVIDIA-T4, not NVIDIA-A100-SXM4-40GB', nogpu: 'no GPU, the intent needs 1' },
  },
  {
    name: 'fit prefers the snug flavour over one sold whole',
    offers: [{ id: 'whole', whole: true }, { id: 'snug-whole', whole: true, cpu: '2', memory: '4Gi', pods: '10' }, { id: 'cut' }],
    winner: 'cut',
    order: ['cut', 'snug-whole', 'whole'],
    explanation: /^cut of provider-cut tied at 0\.80 with snug-whole of provider-snug-whole, ahead by the tie-break: provider id provider-cut sorts before provider-snug-whole$/,
    terms: { whole: { fit: 0.197 }, cut: { fit: 1 }, 'snug-whole': { fit: 1 } },
  },
  {
    name: 'a snug flavour beats a loose one of the same price',
    offers: [{ id: 'loose', whole: true }, { id: 'snug', whole: true, cpu: '2', memory: '4Gi', pods: '20' }],
    winner: 'snug',
    explanation: /^snug of provider-snug wins with 0\.\d\d vs 0\.\d\d for the runner-up loose of provider-loose: a snugger fit \(0\.83 vs 0\.20\)$/,
  },
  {
    name: 'ties break by price, then freshness, then provider id, whatever the input order',
    offers: [
      { id: 'b', provider: 'provider-b' },
      { id: 'a', provider: 'provider-a' },
      { id: 'old', provider: 'provider-0', seenAt: '2025-12-31T00:00:00Z' },
    ],
    winner: 'a',
    order: ['a', 'b', 'old'],
    explanation: 'a of provider-a tied at 0.80 with b of provider-b, ahead by the tie-break: provider id provider-a sorts before provider-b',
  },
  {
    name: 'latency above the maximum is excluded; lower advertised latency scores higher',
    constraints: { maxLatencyMs: 50 },
    offers: [{ id: 'far', latency: 80 }, { id: 'near', latency: 10 }, { id: 'mid', latency: 40 }, { id: 'unknown' }],
    winner: 'near',
    order: ['near', 'unknown', 'mid'],
    explanation: /^near of provider-near wins with .* runner-up unknown of provider-unknown: faster \(advertised 10 ms vs unknown latency\); 1 excluded$/,
    excluded: { far: 'latency 80 ms is above 50 ms' },
    terms: { near: { latency: 1 }, mid: { latency: 0.25 }, unknown: { latency: 0.5 } },
  },
  {
    name: 'measured answer and peering times and ratings feed the score',
    offers: [{ id: 'slow' }, { id: 'quick' }],
    stats: [
      stats('provider-slow', { chains: 4, successes: 4, meanAnswerMs: 4000, peerings: 2, meanPeeringMs: 20000, ratings: 1, meanRating: 3 }),
      stats('provider-quick', { chains: 4, successes: 4, meanAnswerMs: 1000, peerings: 2, meanPeeringMs: 10000, ratings: 1, meanRating: 5 }),
    ],
    winner: 'quick',
    explanation: /^quick of provider-quick wins with .*: faster \(chains answered in 1000 ms, peered in 10000 ms vs chains answered in 4000 ms, peered in 20000 ms\), better rated \(5 of 5 vs 3 of 5\)$/,
    terms: { quick: { latency: 1, rating: 1 }, slow: { latency: 0.375, rating: 0.6 } },
  },
  {
    name: 'wrong type, unknown period and an unavailable flavour are excluded; nothing left is explained',
    offers: [{ id: 'db', service: true }, { id: 'weekly', period: 'weekly' }],
    winner: null,
    explanation: /^no candidate left: 2 excluded: db \(a service flavour, the intent needs a k8slice\), weekly \(price period "weekly" is not one of/,
  },
  {
    name: 'a service need takes a service of its category with every tag',
    need: { type: 'service', category: 'database', tags: ['MySQL'] },
    offers: [{ id: 'db', service: true }, { id: 'slice' }],
    winner: 'db',
    explanation: /^db of provider-db is the only candidate/,
    excluded: { slice: 'a k8slice flavour, the intent needs a service' },
    terms: { db: { fit: 1, price: 1 } },
  },
]

describe('rankCandidates', () => {
  it.each(CASES)('$name', (c) => {
    const { ranking, reversed } = setup(c)
    expect(ranking.ranked[0]?.flavour.id ?? null).toBe(c.winner)
    if (c.order) expect(ranking.ranked.map((r) => r.flavour.id)).toEqual(c.order)
    if (typeof c.explanation === 'string') expect(ranking.explanation).toBe(c.explanation)
    else expect(ranking.explanation).toMatch(c.explanation)
    expect(Object.fromEntries(ranking.excluded.map((e) => [e.flavour.id, e.excluded]))).toEqual(expect.objectContaining(c.excluded ?? {}))
    for (const [id, terms] of Object.entries(c.terms ?? {})) {
      const ranked = ranking.ranked.find((r) => r.flavour.id === id)!
      for (const [name, value] of Object.entries(terms)) expect(ranked.terms.find((t) => t.name === name)?.value, `${id} ${name}`).toBeCloseTo(value, 3)
    }
    expect(reversed.ranked.map((r) => r.flavour.id)).toEqual(ranking.ranked.map((r) => r.flavour.id))
    expect(reversed.explanation).toBe(ranking.explanation)
  })

  it('gives every kept candidate all six terms, weights summing to 1, each with a why, and a score within 0..1', () => {
    const { ranking } = setup(CASES[1]!)
    for (const ranked of ranking.ranked) {
      expect(ranked.terms.map((t) => t.name)).toEqual(['price', 'fit', 'successRate', 'rating', 'latency', 'location'])
      expect(ranked.terms.reduce((sum, t) => sum + t.weight, 0)).toBeCloseTo(1, 10)
      for (const term of ranked.terms) {
        expect(term.value).toBeGreaterThanOrEqual(0)
        expect(term.value).toBeLessThanOrEqual(1)
        expect(term.why).not.toBe('')
      }
      expect(ranked.score).toBeCloseTo(ranked.terms.reduce((sum, t) => sum + t.weight * t.value, 0), 3)
    }
  })

  it('says why each term has its value', () => {
    const { ranking } = setup(CASES[1]!)
    const why = Object.fromEntries(ranking.ranked[0]!.terms.map((t) => [t.name, t.why]))
    expect(why).toEqual({
      price: '0.045 EUR/h, vs 0.04 EUR/h for the cheapest of 2',
      fit: 'sold cut to the need (2 cpu, 4Gi memory, 10 pods)',
      successRate: '10 of 10 chains succeeded, smoothed to 0.92',
      rating: 'not rated yet, neutral',
      latency: 'latency unknown, neutral',
      location: 'in Italy',
    })
  })

  it('gives prices in a currency other than most candidates’ a neutral price term when no limit is set', () => {
    const { ranking } = setup({ name: '', offers: [{ id: 'a' }, { id: 'b', price: '0.05' }, { id: 'c', currency: 'USD' }], winner: 'a', explanation: '' })
    expect(ranking.ranked.find((r) => r.flavour.id === 'c')!.terms[0]).toEqual({
      name: 'price',
      weight: 0.3,
      value: 0.5,
      why: '0.04 USD/h: not comparable with EUR prices, neutral',
    })
  })

  function setup(c: Case) {
    const candidates = c.offers.map(offer)
    const input = { need: c.need ?? K8S_NEED, constraints: c.constraints ?? {}, stats: new Map((c.stats ?? []).map((s) => [s.providerId, s])) }
    return { ranking: rankCandidates({ ...input, candidates }), reversed: rankCandidates({ ...input, candidates: [...candidates].reverse() }) }
  }
})
