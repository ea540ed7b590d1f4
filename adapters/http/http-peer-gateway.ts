import { PeerUnavailableError, isRearError } from '../../core/shared/errors.ts'
import { callPeer, readPeerJson } from './call-peer.ts'
import type { Flavour } from '../../core/flavours/model.ts'
import { matchesSelector } from '../../core/flavours/selector.ts'
import type { RelayAnswer, RelayRequest } from '../../core/discovery/model.ts'
import type { PeerGateway } from '../../core/discovery/ports.ts'
import type { PublicationGateway } from '../../core/discovery/publish-to-aggregators.ts'
import type { Peer } from '../../core/peers/model.ts'
import { flavourFromWire } from '../../core/wire/flavour-codec.ts'
import { publicationToWire } from '../../core/wire/publication-codec.ts'
import { relayAnswerFromWire, relayRequestToWire } from '../../core/wire/relay-codec.ts'

export const RELAY_PATH = '/rear/v1/relay/list-flavours'
/** LIST_FLAVORS without a selector: the one listing a FLUIDOS Go node answers correctly. */
export const GO_LIST_PATH = '/api/v2/flavors'
export const publicationPath = (publisherId: string) => `/rear/v1/publications/${encodeURIComponent(publisherId)}`

type Fetch = typeof fetch

/**
 * Talks to peers over HTTP in their own protocol: rear-cloud peers get the relay request (visited
 * list, hop limit, budget); FLUIDOS Go peers are asked for their whole `/api/v2/flavors` list, matched here.
 * Every call is bounded by its timeout, body included.
 */
export class HttpPeerGateway implements PeerGateway, PublicationGateway {
  constructor(
    private readonly selfId: string,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  private call(peer: Peer, path: string, init: RequestInit, timeoutMs: number, correlationId?: string): Promise<Response> {
    return callPeer({ fetchImpl: this.fetchImpl, selfId: this.selfId, timeoutMs, ...(correlationId ? { correlationId } : {}) }, peer, path, init)
  }

  async listFlavours(peer: Peer, request: RelayRequest, timeoutMs: number): Promise<RelayAnswer> {
    if (peer.protocol === 'fluidos-go') return this.listFromGoNode(peer, request, timeoutMs)
    const response = await this.call(peer, RELAY_PATH, { method: 'POST', body: JSON.stringify(relayRequestToWire(request)) }, timeoutMs, request.correlationId)
    return relayAnswerFromWire(await readPeerJson(peer, response, timeoutMs))
  }

  /**
   * Go's K8Slice selector endpoint answers the first flavours of its unfiltered list (reference §14,
   * bug 1), so a Go peer is asked for its whole list, which it answers correctly, and matched here.
   */
  private async listFromGoNode(peer: Peer, request: RelayRequest, timeoutMs: number): Promise<RelayAnswer> {
    const response = await this.call(peer, GO_LIST_PATH, { method: 'GET' }, timeoutMs, request.correlationId)
    if (response.status === 204) {
      await response.body?.cancel()
      return { results: [], failed: [] }
    }
    const body = await readPeerJson(peer, response, timeoutMs)
    if (!Array.isArray(body)) throw new PeerUnavailableError(peer.id, 'answered something other than a flavour array', { code: 'PEER_BAD_ANSWER' })
    const flavours: Flavour[] = []
    for (const wire of body) {
      try {
        flavours.push(flavourFromWire(wire))
      } catch (error) {
        if (!isRearError(error)) throw error
      }
    }
    const matching = flavours.filter((flavour) => matchesSelector(flavour, request.selector))
    return { results: matching.map((flavour) => ({ flavour, route: [peer.id] })), failed: [] }
  }

  async publish(peer: Peer, publisherId: string, flavours: readonly Flavour[], timeoutMs: number): Promise<void> {
    const response = await this.call(peer, publicationPath(publisherId), { method: 'PUT', body: JSON.stringify(publicationToWire(flavours)) }, timeoutMs)
    await response.body?.cancel()
  }
}
