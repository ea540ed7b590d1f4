import { randomUUID } from 'node:crypto'
import { PeerUnavailableError, isRearError } from '../../core/shared/errors.ts'
import { callPeer, readPeerJson } from './call-peer.ts'
import type { Flavour } from '../../core/flavours/model.ts'
import { matchesSelector } from '../../core/flavours/selector.ts'
import type { RelayAnswer, RelayRequest } from '../../core/discovery/model.ts'
import type { PeerGateway } from '../../core/discovery/ports.ts'
import type { PublicationGateway } from '../../core/discovery/publish-to-aggregators.ts'
import type { Peer, PeerProtocol } from '../../core/peers/model.ts'
import type { RequestSigner } from '../../core/security/ports.ts'
import { ROLES } from '../../core/peers/model.ts'
import type { ProbeAnswer, PeerProbe } from '../../core/peers/ports.ts'
import { flavourFromWire } from '../../core/wire/flavour-codec.ts'
import { publicationBodies } from '../../core/wire/publication-codec.ts'
import { relayAnswerFromWire, relayRequestToWire } from '../../core/wire/relay-codec.ts'

export const RELAY_PATH = '/rear/v1/relay/list-flavours'
/** LIST_FLAVORS without a selector: the one listing a FLUIDOS Go node answers correctly. */
export const GO_LIST_PATH = '/api/v2/flavors'
const HEALTH_PATH = '/healthz'
export const publicationPath = (publisherId: string) => `/rear/v1/publications/${encodeURIComponent(publisherId)}`

type Fetch = typeof fetch

/**
 * Talks to peers over HTTP in their own protocol: rear-cloud peers get the relay request (visited
 * list, hop limit, budget); FLUIDOS Go peers are asked for their whole `/api/v2/flavors` list, matched here.
 * Every call is bounded by its timeout, body included. Also probes base URLs before they are registered.
 */
export class HttpPeerGateway implements PeerGateway, PublicationGateway, PeerProbe {
  constructor(
    private readonly selfId: string,
    private readonly fetchImpl: Fetch = fetch,
    private readonly signer?: RequestSigner,
  ) {}

  private call(peer: Peer, path: string, init: RequestInit, timeoutMs: number, correlationId?: string): Promise<Response> {
    const call = { fetchImpl: this.fetchImpl, selfId: this.selfId, timeoutMs, ...(correlationId ? { correlationId } : {}), ...(this.signer ? { signer: this.signer } : {}) }
    return callPeer(call, peer, path, init)
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

  /** The set in one body, or in parts of at most 128 KiB sent one after the other; the last part withdraws the rest. */
  async publish(peer: Peer, publisherId: string, flavours: readonly Flavour[], timeoutMs: number): Promise<void> {
    for (const body of publicationBodies(flavours, randomUUID())) {
      const response = await this.call(peer, publicationPath(publisherId), { method: 'PUT', body }, timeoutMs)
      await response.body?.cancel()
    }
  }

  async probe(target: { id: string; baseUrl: string }, protocol: PeerProtocol | undefined, timeoutMs: number): Promise<ProbeAnswer> {
    const peer: Peer = { ...target, domain: '', role: 'node', protocol: protocol ?? 'rear-cloud' }
    if (protocol === 'rear-cloud') return this.probeRearCloud(peer, timeoutMs)
    if (protocol === 'fluidos-go') return this.probeGoNode(peer, timeoutMs)
    const [rear, go] = await Promise.all([this.probeRearCloud(peer, timeoutMs), this.probeGoNode(peer, timeoutMs)])
    if (rear.reachable) return rear
    if (go.reachable) return go
    return { reachable: false, detail: `${rear.detail}; ${go.detail}` }
  }

  /** rear-cloud serves `/healthz` with its role and participant id. */
  private async probeRearCloud(peer: Peer, timeoutMs: number): Promise<ProbeAnswer> {
    try {
      const response = await this.call(peer, HEALTH_PATH, { method: 'GET' }, timeoutMs)
      const body = (await readPeerJson(peer, response, timeoutMs)) as { participant?: unknown; role?: unknown } | null
      const participant = typeof body?.participant === 'string' ? body.participant : undefined
      const role = ROLES.find((r) => r === body?.role)
      if (!participant) return { reachable: false, detail: `GET ${HEALTH_PATH} answered ${response.status} without a participant id` }
      const who = role ? `${role} ${participant}` : participant
      return { reachable: true, protocol: 'rear-cloud', participant, ...(role ? { role } : {}), detail: `GET ${HEALTH_PATH} answered ${response.status}: rear-cloud ${who}` }
    } catch (error) {
      return { reachable: false, detail: `GET ${HEALTH_PATH}: ${reasonOf(error)}` }
    }
  }

  /** A FLUIDOS Go node answers its flavour list with 200 and an array, or 204. */
  private async probeGoNode(peer: Peer, timeoutMs: number): Promise<ProbeAnswer> {
    try {
      const response = await this.call(peer, GO_LIST_PATH, { method: 'GET' }, timeoutMs)
      if (response.status === 204) {
        await response.body?.cancel()
        return { reachable: true, protocol: 'fluidos-go', detail: `GET ${GO_LIST_PATH} answered 204: a FLUIDOS Go node` }
      }
      const body = await readPeerJson(peer, response, timeoutMs)
      if (!Array.isArray(body)) return { reachable: false, detail: `GET ${GO_LIST_PATH} answered ${response.status} without a flavour array` }
      return { reachable: true, protocol: 'fluidos-go', detail: `GET ${GO_LIST_PATH} answered ${response.status} with ${body.length} flavours: a FLUIDOS Go node` }
    } catch (error) {
      return { reachable: false, detail: `GET ${GO_LIST_PATH}: ${reasonOf(error)}` }
    }
  }
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300)
