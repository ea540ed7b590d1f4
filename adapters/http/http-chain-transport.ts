import { PeerTimeoutError, PeerUnavailableError, isRearError } from '../../core/shared/errors.ts'
import type { ChainMessage } from '../../core/chain/model.ts'
import type { ChainTransport, GoProviderClient } from '../../core/chain/ports.ts'
import type { Configuration, NodeIdentity } from '../../core/flavours/model.ts'
import type { Peer } from '../../core/peers/model.ts'
import { chainMessageToWire } from '../../core/wire/chain-codec.ts'
import { reserveRequestToWire, transactionReceiptFromWire } from '../../core/wire/reservation-codec.ts'
import { contractWire } from '../../core/wire/contract-codec.ts'
import { decodeWith } from '../../core/wire/wire-object.ts'

export const CHAIN_MESSAGES_PATH = '/rear/v1/chain/messages'

async function post(fetchImpl: typeof fetch, peer: Peer, path: string, body: unknown, timeoutMs: number, selfId: string): Promise<Response> {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const response = await fetchImpl(`${peer.baseUrl}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'X-Rear-Participant': selfId },
      signal,
    })
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
    if (signal.aborted) throw new PeerTimeoutError(peer.id, timeoutMs, { cause: error })
    throw new PeerUnavailableError(peer.id, error instanceof Error ? error.message : String(error), { cause: error })
  }
}

/** Sends chain messages to rear-cloud peers, and calls FLUIDOS Go providers' synchronous REAR API. */
export class HttpChainTransport implements ChainTransport, GoProviderClient {
  constructor(
    private readonly selfId: string,
    private readonly timeoutMs = 5000,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async send(peer: Peer, message: ChainMessage): Promise<void> {
    const response = await post(this.fetchImpl, peer, CHAIN_MESSAGES_PATH, chainMessageToWire(message), this.timeoutMs, this.selfId)
    await response.body?.cancel()
  }

  async reserve(peer: Peer, request: { flavourId: string; buyer: NodeIdentity; buyerKubeconfig?: string; configuration?: Configuration }) {
    const response = await post(this.fetchImpl, peer, '/api/v2/reservations', reserveRequestToWire(request), this.timeoutMs, this.selfId)
    const receipt = transactionReceiptFromWire(await response.json())
    return { transactionId: receipt.transactionId, ...(receipt.expiresAt ? { expiresAt: receipt.expiresAt } : {}) }
  }

  async purchase(peer: Peer, transactionId: string) {
    const response = await post(this.fetchImpl, peer, `/api/v2/transactions/${encodeURIComponent(transactionId)}/purchase`, {}, this.timeoutMs, this.selfId)
    const contract = await response.json()
    return { contractId: decodeWith(contractWire, contract, 'contract').contractID, contract }
  }
}
