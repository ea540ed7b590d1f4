/** One line of the seed workflow as it happened: its step number, where, what, and when. */
export interface TraceLine {
  step: number
  participant: string
  message: string
  at: string
}

/** What the demo reads of an intent (`GET /intents/v1/{id}`). */
export interface IntentView {
  id: string
  phase: string
  operationId: string | null
  chosen: { route: string[]; flavourId: string } | null
  failure: { step: number; code: string; reason: string } | null
  timeline: { at: string; step: number; participant: string; message: string }[]
}

/** One entry of a supernode's Peering Candidates or publications (`GET /admin/v1/candidates|publications`). */
export interface LearntView {
  participant: string
  kind: 'candidates' | 'publications'
  flavorID: string
  providerID: string
  route: string[]
  seenAt: string
  learntIn?: { at: string; results: number }
}

/** What the demo reads of a hop (`GET /chain/v1/operations/{id}` at one participant). */
export interface HopView {
  participant: string
  position: 'origin' | 'relay' | 'provider'
  route: string[]
  timeline: { at: string; event: string; detail?: string }[]
}

/**
 * The seed steps a chain timeline event stands for, by where the hop is (seed steps 19–38): RESERVE
 * travels 20–22 and is held at the provider 23–25; the sale replaces the provider's flavour and makes
 * its Node allocation (24, at purchase time here) and answers back 26–29; the consumer's VirtualNode
 * allocation is 30. Peering follows the seed's roles with declarative Liqo: the provider's virtual
 * router shares its gateway (26), the consumer's Virtual Fabric Manager takes it up (31) and sends its
 * request (32), the provider completes it (33–35) and answers (36), the consumer finishes (37–38).
 */
function stepsOf(hop: HopView, event: string, detail = ''): number[] {
  const index = hop.route.indexOf(hop.participant)
  const fromProvider = hop.route.length - 1 - index
  const step = detail.split(' ')[0]
  switch (event) {
    case 'CHAIN_STARTED':
      return [19]
    case 'RESERVE_FORWARDED':
      return [Math.min(22, 20 + index)]
    case 'RESERVE_RECEIVED':
      return hop.position === 'provider' ? [23] : []
    case 'RESERVED':
      return hop.position === 'provider' ? [25] : []
    case 'PURCHASED':
      return hop.position === 'provider' ? [24, 26] : [Math.min(29, 26 + fromProvider)]
    case 'VIRTUAL_NODE_ALLOCATED':
      return [30]
    case 'PEERING_SENT':
      return step === 'provider-hello' ? [26] : step === 'consumer-tenant' ? [32] : step === 'provider-identity' ? [36] : []
    case 'PEERING_RECEIVED':
      return step === 'provider-hello' ? [31] : step === 'consumer-tenant' ? [33] : step === 'provider-identity' ? [37] : []
    case 'PEERING_ACTIVE':
      return hop.position === 'origin' ? [38] : [34, 35]
    default:
      return []
  }
}

const WHAT: Record<string, string> = {
  CHAIN_STARTED: 'reservation started',
  RESERVE_FORWARDED: 'RESERVE_FLAVOUR sent',
  RESERVE_RECEIVED: 'RESERVE_FLAVOUR received: reserving',
  RESERVED: 'resources reserved',
  VIRTUAL_NODE_ALLOCATED: 'VirtualNode allocation created, inactive',
  PEERING_SENT: 'peering data sent',
  PEERING_RECEIVED: 'peering data received',
}

function describe(hop: HopView, event: string, step: number, detail?: string): string {
  const what =
    event === 'PURCHASED'
      ? step === 24
        ? 'advertised flavour replaced by its remainder; Node allocation created, inactive'
        : 'contract created, OK sent back; Network Manager told to deploy the virtual router'
      : event === 'PEERING_ACTIVE'
        ? step === 34
          ? 'peering done on the provider: its REAR Manager informed'
          : hop.position === 'origin'
            ? 'peering done: VirtualNode allocation active'
            : 'Node allocation active'
        : (WHAT[event] ?? event)
  return `${what}${detail ? ` (${detail})` : ''}`
}

/**
 * The seed workflow as the participants recorded it: the intent's own timeline (steps 1–18 and
 * 39–41), every hop's chain timeline mapped to steps 19–38, ordered by step and then time. Nothing
 * here is expected, only read.
 */
export function seedTrace(intent: IntentView, hops: readonly HopView[], learnt: readonly LearntView[] = []): TraceLine[] {
  const lines: TraceLine[] = intent.timeline.map((t) => ({ step: t.step, participant: t.participant, message: t.message, at: t.at }))
  lines.push(...learnt.flatMap(discoveryLines))
  for (const hop of hops) {
    for (const entry of hop.timeline) {
      for (const step of stepsOf(hop, entry.event, entry.detail)) lines.push({ step, participant: hop.participant, message: describe(hop, entry.event, step, entry.detail), at: entry.at })
    }
  }
  return lines.sort((a, b) => a.step - b.step || a.at.localeCompare(b.at))
}

/**
 * Discovery at the supernodes (seed steps 10–14), from their own tables: the provider supernode holds
 * the provider's publication (its Available Resources, 11); the consumer supernode's Peering Candidate
 * records the search that found it (10), the answer (13) and the table entry (14).
 */
function discoveryLines(entry: LearntView): TraceLine[] {
  const via = entry.route.join(' → ')
  if (entry.kind === 'publications') {
    return [{ step: 11, participant: entry.participant, message: `Available Resources hold ${entry.flavorID}, published by ${entry.providerID}`, at: entry.seenAt }]
  }
  const searched = entry.learntIn?.at ?? entry.seenAt
  return [
    { step: 10, participant: entry.participant, message: 'no local match: LIST_FLAVOURS sent to the supernodes and catalogs it knows', at: searched },
    { step: 13, participant: entry.route[0] ?? entry.participant, message: `answered OK with ${entry.learntIn?.results ?? 'its'} flavour(s)`, at: entry.seenAt },
    { step: 14, participant: entry.participant, message: `Peering Candidates table holds ${entry.flavorID} via ${via}`, at: entry.seenAt },
  ]
}

/** A stable key for a line, so a watcher prints each one once. */
export const lineKey = (line: TraceLine) => `${line.step}|${line.participant}|${line.at}|${line.message}`
