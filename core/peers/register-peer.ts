import { PeerUnavailableError, ValidationError } from '../shared/errors.ts'
import type { Peer, PeerProtocol } from './model.ts'
import type { PeerProbe, PeerRepository } from './ports.ts'

/** A peer as an operator registers it: the protocol may be left for the probe to find. */
export type PeerRegistration = Omit<Peer, 'protocol'> & { protocol?: PeerProtocol }

/** A participant never registers itself, and base URLs must be http(s); the URL loses its trailing slash. */
function checkedBaseUrl(selfId: string, peer: PeerRegistration): string {
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
  return url.toString().replace(/\/$/, '')
}

/** Adds or replaces a peer as given (local configuration and tests); the admin API uses {@link admitPeer}. */
export async function registerPeer(peers: PeerRepository, selfId: string, peer: Peer): Promise<Peer> {
  const normalised = { ...peer, baseUrl: checkedBaseUrl(selfId, peer) }
  await peers.put(normalised)
  return normalised
}

export interface AdmitPeerDeps {
  selfId: string
  peers: PeerRepository
  probe: PeerProbe
  probeTimeoutMs: number
}

/** A registered peer and what its probe said, so an operator sees a wrong URL or protocol at once. */
export interface AdmittedPeer {
  peer: Peer
  reachable: boolean
  protocolSource: 'given' | 'probed'
  probe: string
}

/**
 * The operator's registration: the base URL is asked first. A given protocol is stored whether or not
 * the peer answers (it may not be deployed yet) and its reachability reported; without one, the
 * protocol the peer answers in is stored, and a URL that answers in neither is refused, storing
 * nothing. A rear-cloud peer that names another participant or role is refused.
 */
export async function admitPeer(deps: AdmitPeerDeps, registration: PeerRegistration): Promise<AdmittedPeer> {
  const baseUrl = checkedBaseUrl(deps.selfId, registration)
  const answer = await deps.probe.probe({ id: registration.id, baseUrl }, registration.protocol, deps.probeTimeoutMs)
  if (answer.participant !== undefined && (answer.participant !== registration.id || (answer.role && answer.role !== registration.role))) {
    throw new ValidationError(`${baseUrl} answers as ${answer.role ?? 'a participant'} ${answer.participant}, not ${registration.role} ${registration.id}`, {
      code: 'INVALID_PEER',
    })
  }
  const protocol = registration.protocol ?? answer.protocol
  if (!protocol) {
    throw new PeerUnavailableError(registration.id, `answered neither as rear-cloud nor as a FLUIDOS Go node (${answer.detail}); give "protocol" to register it anyway`, {
      code: 'PEER_UNREACHABLE',
    })
  }
  const peer = await registerPeer(deps.peers, deps.selfId, { ...registration, baseUrl, protocol })
  return { peer, reachable: answer.reachable, protocolSource: registration.protocol ? 'given' : 'probed', probe: answer.detail }
}
