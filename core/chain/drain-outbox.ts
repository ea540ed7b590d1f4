import { ContentionError, PeerUnavailableError, isRearError } from '../shared/errors.ts'
import type { ChainDeps } from './chain-deps.ts'
import type { Hop, OutboxEntry } from './model.ts'
import { fail } from './hop-transitions.ts'

async function carryOut(deps: ChainDeps, entry: OutboxEntry): Promise<void> {
  if (entry.kind === 'agent') return deps.agent.deployVirtualRouter(entry.event)
  const { message } = entry
  if (message.to === deps.self.id) return deps.queue.enqueue(message, entry.delaySeconds)
  const peer = await deps.peers.get(message.to)
  if (!peer) throw new PeerUnavailableError(message.to, 'is not a known peer', { code: 'PEER_UNKNOWN' })
  await deps.transport.send(peer, message)
}

const isDownstreamForward = (hop: Hop, entry: OutboxEntry) =>
  entry.kind === 'message' && entry.message.to === hop.downstream && (entry.message.payload.type === 'RESERVE' || entry.message.payload.type === 'PURCHASE')

const unreachable = (error: unknown) => isRearError(error) && (error.kind === 'peer-unavailable' || error.kind === 'peer-timeout')

/**
 * Carries out a hop's outbox and removes what was done. A downstream that cannot be reached fails the
 * chain at once (upstream is told); any other failure leaves the entry for the queue's redelivery.
 */
export async function drainOutbox(deps: ChainDeps, chainId: string, saved?: Hop): Promise<void> {
  let known = saved
  for (let round = 0; round < 8; round++) {
    const hop = known ?? (await deps.hops.get(chainId))
    known = undefined
    if (!hop || hop.outbox.length === 0) return
    let next: Hop = { ...hop, outbox: [] }
    let retryLater: unknown
    for (const entry of hop.outbox) {
      try {
        await carryOut(deps, entry)
      } catch (error) {
        if (isDownstreamForward(hop, entry) && unreachable(error) && (hop.state === 'reserving' || hop.state === 'purchasing')) {
          const phase = hop.state === 'reserving' ? 'reserve' : 'purchase'
          const code = isRearError(error) ? error.code : 'PEER_UNAVAILABLE'
          next = fail({ ...next, outbox: [] }, deps.self.id, { hop: hop.downstream!, code, reason: (error as Error).message }, deps.clock.now(), phase, false)
        } else {
          next = { ...next, outbox: [...next.outbox, entry] }
          retryLater ??= error
        }
      }
    }
    try {
      await deps.hops.save({ ...next, version: hop.version + 1 }, hop.version)
      if (next.outbox.length > 0 && !retryLater) known = { ...next, version: hop.version + 1 }
    } catch (error) {
      if (error instanceof ContentionError) continue
      throw error
    }
    if (retryLater) throw retryLater
  }
}
