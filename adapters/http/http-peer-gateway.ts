import { PeerUnavailableError, isRearError } from '../../core/shared/errors.ts'
import { callPeer, readPeerJson } from './call-peer.ts'
import type { Flavour } from '../../core/flavours/model.ts'
import type { RelayAnswer, RelayRequest } from '../../core/discovery/model.ts'
import type { PeerGateway } from '../../core/discovery/ports.ts'
import type { PublicationGateway } from '../../core/discovery/publish-to-aggregators.ts'
import type { Peer } from '../../core/peers/model.ts'
import { flavourFromWire } from '../../core/wire/flavour-codec.ts'
import { publicationToWire } from '../../core/wire/publication-codec.ts'
import { relayAnswerFromWire, relayRequestToWire } from '../../core/wire/relay-codec.ts'
import { encodeSelectorQuery, selectorPath } from '../../core/wire/selector-query.ts'

export const RELAY_PATH = '/rear/v1/relay/list-flavours'
export const publicationPath = (publisherId: string) => `/rear/v1/publications/${encodeURIComponent(publisherId)}`

type Fetch = typeof fetch

/**
 * Talks to peers over HTTP in their own protocol: rear-cloud peers get the relay request (visited
 * list, hop limit, budget); FLUIDOS Go peers get their exact `/api/v2/flavors/{type}` query grammar.
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

  private async listFromGoNode(peer: Peer, request: RelayRequest, timeoutMs: number): Promise<RelayAnswer> {
    const query = encodeSelectorQuery(request.selector, { includeExtensions: false })
    const path = `${selectorPath(request.selector.type)}${query ? `?${query}` : ''}`
    const response = await this.call(peer, path, { method: 'GET' }, timeoutMs, request.correlationId)
    if (response.status === 204) return { results: [], failed: [] }
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
    return { results: flavours.map((flavour) => ({ flavour, route: [peer.id] })), failed: [] }
  }

  async publish(peer: Peer, publisherId: string, flavours: readonly Flavour[], timeoutMs: number): Promise<void> {
    const response = await this.call(peer, publicationPath(publisherId), { method: 'PUT', body: JSON.stringify(publicationToWire(flavours)) }, timeoutMs)
    await response.body?.cancel()
  }
}
