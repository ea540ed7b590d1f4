import { ValidationError } from '../shared/errors.ts'
import type { Peer } from './model.ts'
import type { PeerRepository } from './ports.ts'

/** Adds or replaces a peer; a participant never registers itself, and base URLs must be http(s). */
export async function registerPeer(peers: PeerRepository, selfId: string, peer: Peer): Promise<Peer> {
  if (peer.id === selfId) throw new ValidationError('A participant cannot be its own peer', { code: 'INVALID_PEER' })
  let url: URL
  try {
    url = new URL(peer.baseUrl)
  } catch (cause) {
    throw new ValidationError(`baseUrl "${peer.baseUrl}" is not a URL`, { code: 'INVALID_PEER', cause })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError('baseUrl must be http or https', { code: 'INVALID_PEER' })
  }
  const normalised = { ...peer, baseUrl: url.toString().replace(/\/$/, '') }
  await peers.put(normalised)
  return normalised
}
