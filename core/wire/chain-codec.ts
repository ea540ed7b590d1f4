import * as z from 'zod'
import type { ChainMessage, ChainPayload, Hop, OutboxEntry, PeeringStatus, TimelineEvent, WorkloadStatus } from '../chain/model.ts'
import { MAX_REASON } from '../chain/model.ts'
import { contractFromWire, contractToWire } from './contract-codec.ts'
import { configurationFromWire, configurationToWire, configurationWire } from './configuration-codec.ts'
import { identityFromWire, identityToWire, nodeIdentityWire } from './identity-codec.ts'
import { decodeWith, jsonValue, timestampString, wireId, wireText } from './wire-object.ts'
import { PEERING_STEPS } from '../cluster/cluster-commands.ts'
import type { AgentCommandBody } from '../cluster/cluster-commands.ts'

const id = wireId

/** A peering step's public data: a bounded JSON object (at most 32 KiB) that only the agents read. */
export const peeringDataWire = jsonValue().pipe(z.record(z.string(), z.unknown()))
const failureWire = z.strictObject({ hop: id, code: wireText(64).min(1), reason: wireText(MAX_REASON) })

const payloadWire = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('RESERVE'),
    buyer: nodeIdentityWire,
    flavorID: id,
    providerID: id,
    configuration: configurationWire.optional(),
  }),
  z.strictObject({ type: z.literal('RESERVE_OK'), transactionID: id, expirationTime: timestampString }),
  z.strictObject({ type: z.literal('RESERVE_FAIL'), failure: failureWire }),
  z.strictObject({ type: z.literal('PURCHASE') }),
  z.strictObject({ type: z.literal('PURCHASE_OK'), contractID: id, transactionID: id.optional(), contract: z.unknown().optional() }),
  z.strictObject({ type: z.literal('PURCHASE_FAIL'), failure: failureWire }),
  z.strictObject({ type: z.literal('RELEASE'), reason: wireText(MAX_REASON) }),
  z.strictObject({ type: z.literal('TIMEOUT'), phase: z.enum(['reserve', 'purchase']) }),
  z.strictObject({ type: z.literal('PEERING'), step: z.enum(PEERING_STEPS), data: peeringDataWire }),
])

/** A hop-to-hop chain message (rear-cloud's own protocol; flavour and contract parts in FLUIDOS form). */
export const chainMessageWire = z.strictObject({
  id: wireText(600).regex(/^[A-Za-z0-9._:@+=~-]+$/, 'must be letters, digits and . _ : @ + = ~ -').min(1),
  chainId: id,
  from: id,
  to: id,
  route: z.array(id).min(1).max(17),
  replyTo: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  payload: payloadWire,
  sentAt: timestampString,
})

function payloadFromWire(wire: z.output<typeof payloadWire>, sentAt: Date): ChainPayload {
  switch (wire.type) {
    case 'RESERVE':
      return {
        type: 'RESERVE',
        buyer: identityFromWire(wire.buyer),
        flavourId: wire.flavorID,
        providerId: wire.providerID,
        ...(wire.configuration ? { configuration: configurationFromWire(wire.configuration) } : {}),
      }
    case 'RESERVE_OK':
      return { type: 'RESERVE_OK', transactionId: wire.transactionID, expiresAt: wire.expirationTime }
    case 'PURCHASE_OK':
      return {
        type: 'PURCHASE_OK',
        contractId: wire.contractID,
        ...(wire.transactionID === undefined ? {} : { transactionId: wire.transactionID }),
        ...(wire.contract === undefined ? {} : { contract: contractFromWire(wire.contract, sentAt) }),
      }
    default:
      return wire
  }
}

function payloadToWire(payload: ChainPayload): z.input<typeof payloadWire> {
  switch (payload.type) {
    case 'RESERVE':
      return {
        type: 'RESERVE',
        buyer: identityToWire(payload.buyer),
        flavorID: payload.flavourId,
        providerID: payload.providerId,
        ...(payload.configuration ? { configuration: configurationToWire(payload.configuration) } : {}),
      }
    case 'RESERVE_OK':
      return { type: 'RESERVE_OK', transactionID: payload.transactionId, expirationTime: payload.expiresAt.toISOString() }
    case 'PURCHASE_OK':
      return {
        type: 'PURCHASE_OK',
        contractID: payload.contractId,
        ...(payload.transactionId ? { transactionID: payload.transactionId } : {}),
        ...(payload.contract ? { contract: contractToWire(payload.contract) } : {}),
      }
    default:
      return payload
  }
}

export function chainMessageFromWire(body: unknown): ChainMessage {
  const wire = decodeWith(chainMessageWire, body, 'chain message')
  return { ...wire, payload: payloadFromWire(wire.payload, wire.sentAt) }
}

export const chainMessageToWire = (message: ChainMessage) => ({ ...message, payload: payloadToWire(message.payload), sentAt: message.sentAt.toISOString() })

const outboxToWire = (entry: OutboxEntry) =>
  entry.kind === 'message'
    ? { kind: 'message', message: chainMessageToWire(entry.message), ...(entry.delaySeconds ? { delaySeconds: entry.delaySeconds } : {}) }
    : entry

function outboxFromWire(wire: Record<string, unknown>): OutboxEntry {
  if (wire.kind === 'go-reserve' || wire.kind === 'go-purchase') return { kind: wire.kind, attempts: Number(wire.attempts ?? 0) }
  if (wire.kind === 'forget') return { kind: 'forget', providerId: String(wire.providerId), flavourId: String(wire.flavourId) }
  if (wire.kind === 'message') {
    return { kind: 'message', message: chainMessageFromWire(wire.message), ...(wire.delaySeconds ? { delaySeconds: wire.delaySeconds as number } : {}) }
  }
  if (wire.command) return { kind: 'agent', command: wire.command as AgentCommandBody }
  const event = wire.event as { chainId: string; contractId: string; peers: string[]; at: string }
  return {
    kind: 'agent',
    command: { command: 'DEPLOY_VIRTUAL_ROUTER', chainId: event.chainId, contractId: event.contractId, role: 'consumer', remoteClusterId: '', peers: event.peers, declarative: false, at: event.at },
  }
}

/** A hop as stored: plain JSON, dates as ISO strings, configuration and messages in their wire forms. */
export function hopToStored(hop: Hop): Record<string, unknown> {
  return {
    ...hop,
    buyer: identityToWire(hop.buyer),
    configuration: hop.configuration ? configurationToWire(hop.configuration) : undefined,
    timeline: hop.timeline.map((t) => ({ ...t, at: t.at.toISOString() })),
    outbox: hop.outbox.map(outboxToWire),
    deadline: hop.deadline?.toISOString(),
    peering: hop.peering ? { ...hop.peering, at: hop.peering.at.toISOString() } : undefined,
    peeringDue: hop.peeringDue?.toISOString(),
    workloads: 'workloads' in hop && hop.workloads ? Object.fromEntries(Object.entries(hop.workloads).map(([k, w]) => [k, { ...w, updatedAt: w.updatedAt.toISOString() }])) : undefined,
    createdAt: hop.createdAt.toISOString(),
    updatedAt: hop.updatedAt.toISOString(),
  }
}

export function hopFromStored(stored: Record<string, unknown>): Hop {
  const hop = stored as unknown as Hop & { buyer: unknown; configuration?: unknown }
  return {
    ...hop,
    buyer: identityFromWire(decodeWith(nodeIdentityWire, stored.buyer, 'stored buyer')),
    ...(stored.configuration ? { configuration: configurationFromWire(stored.configuration as { type: string; data: unknown }) } : {}),
    timeline: (stored.timeline as { at: string; event: TimelineEvent; detail?: string }[]).map((t) => ({ ...t, at: new Date(t.at) })),
    outbox: (stored.outbox as Record<string, unknown>[]).map(outboxFromWire),
    ...(stored.deadline ? { deadline: new Date(stored.deadline as string) } : {}),
    ...(stored.peeringDue ? { peeringDue: new Date(stored.peeringDue as string) } : {}),
    ...(stored.peering ? { peering: { ...(stored.peering as PeeringStatus), at: new Date((stored.peering as { at: string }).at) } } : {}),
    ...(stored.workloads
      ? { workloads: Object.fromEntries(Object.entries(stored.workloads as Record<string, WorkloadStatus>).map(([k, w]) => [k, { ...w, updatedAt: new Date(w.updatedAt) }])) }
      : {}),
    createdAt: new Date(stored.createdAt as string),
    updatedAt: new Date(stored.updatedAt as string),
  }
}
