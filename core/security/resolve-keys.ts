import type { PeerRepository } from '../peers/ports.ts'
import { AGENT_KEY_OWNER, findKey, splitKeyId } from './keys.ts'
import type { KeyResolver, PeerPublicJwk, PublicJwk } from './ports.ts'
import { signingKeysOf } from './sealing-keys.ts'

/**
 * The keys a participant accepts on one route group: registered peers' keys (`<peerId>#<kid>`) on
 * `/api` and `/rear` (then those of the `PEER_PUBLIC_KEYS` directory), its own agent's keys (`agent#<kid>`) on `/agent`. A key of the other kind is unknown there.
 */
export function registryKeys(
  deps: { peers: PeerRepository; agentKeys: readonly PublicJwk[]; selfId: string; directory?: Readonly<Record<string, readonly PeerPublicJwk[]>> },
  accept: 'peer' | 'agent',
): KeyResolver {
  return {
    async resolve(keyId) {
      const parts = splitKeyId(keyId)
      if (!parts) return undefined
      if (accept === 'agent') return parts.owner === AGENT_KEY_OWNER ? findKey(deps.agentKeys, keyId, parts.kid, { kind: 'agent', id: deps.selfId }) : undefined
      if (parts.owner === AGENT_KEY_OWNER || parts.owner === deps.selfId) return undefined
      const peer = await deps.peers.get(parts.owner)
      const registered = peer ? findKey(signingKeysOf(peer.publicKeys), keyId, parts.kid, { kind: 'peer', id: peer.id }) : undefined
      const listed = Object.hasOwn(deps.directory ?? {}, parts.owner) ? deps.directory![parts.owner]! : []
      return registered ?? findKey(signingKeysOf(listed), keyId, parts.kid, { kind: 'peer', id: parts.owner })
    },
  }
}
