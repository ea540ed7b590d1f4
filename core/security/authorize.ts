import { ForbiddenError } from '../shared/errors.ts'

/**
 * Who made a request, as the signature middleware established it: a registered peer or this
 * participant's agent (signed), or a caller let through unsigned (loopback in local mode, a FLUIDOS
 * Go peer from its configured address). Undefined when no middleware ran: read as unsigned.
 */
export type Caller = { kind: 'peer' | 'agent'; id: string; keyId: string } | { kind: 'unsigned'; reason: 'loopback' | 'legacy-peer'; id?: string }

/** The participant a caller speaks for, when it is known: a signer, or a legacy peer identified by its address. */
const knownId = (caller: Caller | undefined): string | undefined => (caller?.kind === 'unsigned' ? caller.id : caller?.id)

const describe = (caller: Caller) => (caller.kind === 'unsigned' ? `unsigned ${caller.reason} ${caller.id ?? ''}`.trim() : `${caller.kind} ${caller.id}`)

/**
 * A chain message is sent in its signer's name: `from` must be the signing peer (an agent never sends
 * chain messages; a legacy peer only in its own name). Unsigned loopback callers are served as before.
 */
export function authorizeChainSender(caller: Caller | undefined, from: string): void {
  if (!caller || (caller.kind === 'unsigned' && caller.id === undefined)) return
  if (caller.kind !== 'agent' && knownId(caller) === from) return
  throw new ForbiddenError(`A chain message from ${from} must be signed by ${from}, not by ${describe(caller)}`, { code: 'SENDER_NOT_SIGNER' })
}

/** A publisher replaces or withdraws only its own set: the path's publisher must be the signing peer. */
export function authorizePublisher(caller: Caller | undefined, publisherId: string): void {
  if (!caller || (caller.kind === 'unsigned' && caller.id === undefined)) return
  if (caller.kind !== 'agent' && knownId(caller) === publisherId) return
  throw new ForbiddenError(`Only ${publisherId} may replace or withdraw its publication, not ${describe(caller)}`, { code: 'NOT_YOUR_PUBLICATION' })
}

