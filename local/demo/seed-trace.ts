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
  chosen: { route: string[] } | null
  failure: { step: number; code: string; reason: string } | null
  timeline: { at: string; step: number; participant: string; message: string }[]
}

/** What the demo reads of a hop (`GET /chain/v1/operations/{id}` at one participant). */
export interface HopView {
  participant: string
  position: 'origin' | 'relay' | 'provider'
  route: string[]
  timeline: { at: string; event: string; detail?: string }[]
}

/**
 * The seed step a chain timeline event stands for, by where the hop is (seed steps 19–38): RESERVE
 * travels 20–22 and is held at the provider 23–25; the sale answers back 26–29 (each hop's contract
 * and Network Manager event); the consumer's VirtualNode allocation is 30; peering is 31–38.
 */
function stepOf(hop: HopView, event: string): number | undefined {
  const index = hop.route.indexOf(hop.participant)
  const fromProvider = hop.route.length - 1 - index
  switch (event) {
    case 'CHAIN_STARTED':
      return 19
    case 'RESERVE_FORWARDED':
      return Math.min(22, 20 + index)
    case 'RESERVE_RECEIVED':
      return hop.position === 'provider' ? 23 : undefined
    case 'RESERVED':
      return hop.position === 'provider' ? 25 : undefined
    case 'PURCHASED':
      return Math.min(29, 26 + fromProvider)
    case 'VIRTUAL_NODE_ALLOCATED':
      return 30
    case 'PEERING_SENT':
      return hop.position === 'origin' ? 32 : 36
    case 'PEERING_RECEIVED':
      return hop.position === 'provider' ? 33 : 37
    case 'PEERING_ACTIVE':
      return hop.position === 'origin' ? 35 : 34
    default:
      return undefined
  }
}

const describe = (hop: HopView, event: string, detail?: string) => {
  const what: Record<string, string> = {
    CHAIN_STARTED: 'reservation started',
    RESERVE_FORWARDED: 'RESERVE_FLAVOUR sent',
    RESERVE_RECEIVED: 'RESERVE_FLAVOUR received: reserving',
    RESERVED: 'resources reserved',
    PURCHASED: 'contract created; Network Manager told to deploy the virtual router',
    VIRTUAL_NODE_ALLOCATED: 'VirtualNode allocation created, inactive',
    PEERING_SENT: 'peering data sent',
    PEERING_RECEIVED: 'peering data received',
    PEERING_ACTIVE: hop.position === 'origin' ? 'peering done: VirtualNode allocation active' : 'peering done on the provider: Node allocation active',
  }
  return `${what[event] ?? event}${detail ? ` (${detail})` : ''}`
}

/**
 * The seed workflow as the participants recorded it: the intent's own timeline (steps 1–18 and
 * 39–41), every hop's chain timeline mapped to steps 19–38, ordered by step and then time. Nothing
 * here is expected, only read.
 */
export function seedTrace(intent: IntentView, hops: readonly HopView[]): TraceLine[] {
  const lines: TraceLine[] = intent.timeline.map((t) => ({ step: t.step, participant: t.participant, message: t.message, at: t.at }))
  for (const hop of hops) {
    for (const entry of hop.timeline) {
      const step = stepOf(hop, entry.event)
      if (step !== undefined) lines.push({ step, participant: hop.participant, message: describe(hop, entry.event, entry.detail), at: entry.at })
    }
  }
  return lines.sort((a, b) => a.step - b.step || a.at.localeCompare(b.at))
}

/** A stable key for a line, so a watcher prints each one once. */
export const lineKey = (line: TraceLine) => `${line.step}|${line.participant}|${line.at}|${line.message}`
