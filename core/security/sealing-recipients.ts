import type { PeerRepository } from '../peers/ports.ts'
import type { SealRecipient } from './credential-sealer.ts'
import type { PeerPublicJwk } from './ports.ts'
import { sealingKeysOf } from './sealing-keys.ts'

/** Finds who a credential can be sealed to: a participant with its sealing keys, none when it registered none. */
export type SealRecipients = (participantId: string) => Promise<SealRecipient>

/**
 * A participant's sealing keys as this one knows them: a registered peer's `publicKeys` (`use: enc`),
 * else the `PEER_PUBLIC_KEYS` directory's. Empty for a FLUIDOS Go peer or one registered without.
 */
export function registrySealRecipients(deps: { peers: PeerRepository; directory?: Readonly<Record<string, readonly PeerPublicJwk[]>> }): SealRecipients {
  return async (participantId) => {
    const registered = sealingKeysOf((await deps.peers.get(participantId))?.publicKeys)
    const listed = Object.hasOwn(deps.directory ?? {}, participantId) ? sealingKeysOf(deps.directory![participantId]) : []
    return { id: participantId, keys: registered.length ? registered : listed }
  }
}
