import { createHash } from 'node:crypto'
import { isRearError } from '../../core/shared/errors.ts'
import { callPeer, readPeerJson } from './call-peer.ts'
import type { ChainMessage } from '../../core/chain/model.ts'
import type { ChainTransport, GoProviderClient } from '../../core/chain/ports.ts'
import type { Configuration, NodeIdentity } from '../../core/flavours/model.ts'
import type { Peer } from '../../core/peers/model.ts'
import type { RequestSigner } from '../../core/security/ports.ts'
import { chainMessageToWire } from '../../core/wire/chain-codec.ts'
import { reserveRequestToWire, transactionReceiptFromWire } from '../../core/wire/reservation-codec.ts'
import { contractFromWire } from '../../core/wire/contract-codec.ts'

/** The Go node's contract name for a flavour (`namings.ForgeContractName`): one per flavour, dots as dashes. */
const goContractId = (flavourId: string) =>
  `contract-${flavourId}-${createHash('sha256').update(flavourId).digest('hex').slice(0, 4)}`.replaceAll('.', '-')

/** Go's 500 answers to a purchase it already made: its transaction is gone, or the contract exists. */
const goAlreadySold = (error: unknown) =>
  isRearError(error) && error.code === 'PEER_ANSWERED_500' && /already exists|Error getting the Transaction/i.test(error.message)

export const CHAIN_MESSAGES_PATH = '/rear/v1/chain/messages'

/** Sends chain messages to rear-cloud peers, and calls FLUIDOS Go providers' synchronous REAR API. */
export class HttpChainTransport implements ChainTransport, GoProviderClient {
  constructor(
    private readonly selfId: string,
    private readonly timeoutMs = 5000,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly signer?: RequestSigner,
  ) {}

  private post(peer: Peer, path: string, body: unknown): Promise<Response> {
    const call = { fetchImpl: this.fetchImpl, selfId: this.selfId, timeoutMs: this.timeoutMs, ...(this.signer ? { signer: this.signer } : {}) }
    return callPeer(call, peer, path, { method: 'POST', body: JSON.stringify(body) })
  }

  async send(peer: Peer, message: ChainMessage): Promise<void> {
    const response = await this.post(peer, CHAIN_MESSAGES_PATH, chainMessageToWire(message))
    await response.body?.cancel()
  }

  async reserve(peer: Peer, request: { flavourId: string; buyer: NodeIdentity; buyerKubeconfig?: string; configuration?: Configuration }) {
    const response = await this.post(peer, '/api/v2/reservations', reserveRequestToWire(request))
    const receipt = transactionReceiptFromWire(await readPeerJson(peer, response, this.timeoutMs))
    return { transactionId: receipt.transactionId, ...(receipt.expiresAt ? { expiresAt: receipt.expiresAt } : {}) }
  }

  async purchase(peer: Peer, request: { transactionId: string; flavourId: string; retry: boolean }) {
    try {
      const response = await this.post(peer, `/api/v2/transactions/${encodeURIComponent(request.transactionId)}/purchase`, {})
      const contract = contractFromWire(await readPeerJson(peer, response, this.timeoutMs), new Date())
      return { contractId: contract.id, contract }
    } catch (error) {
      if (request.retry && goAlreadySold(error)) return { contractId: goContractId(request.flavourId) }
      throw error
    }
  }
}
