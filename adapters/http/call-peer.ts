import { PeerTimeoutError, PeerUnavailableError, isRearError } from '../../core/shared/errors.ts'
import type { Peer } from '../../core/peers/model.ts'
import type { RequestSigner } from '../../core/security/ports.ts'

export interface PeerCall {
  fetchImpl: typeof fetch
  selfId: string
  timeoutMs: number
  correlationId?: string
  /** Signs every call (RFC 9421) when this participant has keys; unsigned without. */
  signer?: RequestSigner
}

const isAbort = (error: unknown) => error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')

/**
 * One HTTP call to a peer, bounded by `timeoutMs` (body included, through the same signal). A
 * non-2xx answer is `PEER_ANSWERED_<status>` with the start of its body; a timeout is a
 * PeerTimeoutError; anything else on the way is PEER_UNAVAILABLE.
 */
export async function callPeer(call: PeerCall, peer: Peer, path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers)
  headers.set('X-Rear-Participant', call.selfId)
  if (call.correlationId) headers.set('X-Correlation-Id', call.correlationId)
  if (init.body) headers.set('Content-Type', 'application/json')
  const url = `${peer.baseUrl}${path}`
  const signed = call.signer ? await call.signer.sign(new Request(url, { ...init, headers })) : headers
  const signal = AbortSignal.timeout(call.timeoutMs)
  try {
    const response = await call.fetchImpl(url, { ...init, headers: signed, signal })
    if (!response.ok) {
      const text = await response.text().catch(() => '')
      throw new PeerUnavailableError(peer.id, `answered ${response.status} ${text.slice(0, 200)}`.trim(), {
        code: `PEER_ANSWERED_${response.status}`,
        details: { status: response.status },
      })
    }
    return response
  } catch (error) {
    if (isRearError(error)) throw error
    if (signal.aborted) throw new PeerTimeoutError(peer.id, call.timeoutMs, { cause: error })
    throw new PeerUnavailableError(peer.id, error instanceof Error ? error.message : String(error), { cause: error })
  }
}

/** A peer's JSON answer; a body that times out or does not parse is the peer's failure, not ours. */
export async function readPeerJson(peer: Peer, response: Response, timeoutMs: number): Promise<unknown> {
  try {
    return await response.json()
  } catch (error) {
    if (isAbort(error)) throw new PeerTimeoutError(peer.id, timeoutMs, { cause: error })
    throw new PeerUnavailableError(peer.id, 'answered malformed JSON', { code: 'PEER_BAD_ANSWER', cause: error })
  }
}
