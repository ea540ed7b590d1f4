import type { Configuration } from '../flavours/model.ts'
import type { ReserveRequest, Transaction } from '../reservations/model.ts'
import { configurationFromWire, configurationToWire, configurationWire } from './configuration-codec.ts'
import { identityFromWire, identityToWire, nodeIdentityWire } from './identity-codec.ts'
import { decodeWith, formatTimestamp, timestampString, wireId, wireIdOrEmpty, wireObject, wireText } from './wire-object.ts'

export const reserveRequestWire = wireObject(
  {
    flavorID: wireId,
    buyerID: nodeIdentityWire,
    configuration: configurationWire.optional(),
  },
  { strict: true },
)

export function reserveRequestFromWire(body: unknown): ReserveRequest {
  const wire = decodeWith(reserveRequestWire, body, 'reservation request')
  const kubeconfig = wire.buyerID.additionalInformation?.kubeconfig
  return {
    flavourId: wire.flavorID,
    buyer: identityFromWire(wire.buyerID),
    ...(kubeconfig ? { buyerKubeconfig: kubeconfig } : {}),
    ...(wire.configuration ? { configuration: configurationFromWire(wire.configuration) } : {}),
  }
}

export function reserveRequestToWire(request: ReserveRequest) {
  return {
    flavorID: request.flavourId,
    buyerID: identityToWire(request.buyer, request.buyerKubeconfig),
    ...(request.configuration ? { configuration: configurationToWire(request.configuration) } : {}),
  }
}

/** The Go node's Transaction; the buyer's kubeconfig is never echoed (unlike the Go node). */
export function transactionToWire(tx: Transaction) {
  return {
    transactionID: tx.id,
    flavorID: tx.flavourId,
    ...(tx.configuration ? { configuration: configurationToWire(tx.configuration) } : {}),
    buyer: identityToWire(tx.buyer),
    clusterID: tx.clusterId,
    expirationTime: formatTimestamp(tx.expiresAt),
  }
}

export const transactionWire = wireObject({
  transactionID: wireId,
  flavorID: wireIdOrEmpty.default(''),
  configuration: configurationWire.optional(),
  buyer: nodeIdentityWire.optional(),
  clusterID: wireText(256).default(''),
  expirationTime: timestampString.optional(),
})

/** What a buyer keeps of a provider's Transaction answer. */
export interface TransactionReceipt {
  transactionId: string
  flavourId: string
  clusterId: string
  expiresAt?: Date
  configuration?: Configuration
}

export function transactionReceiptFromWire(body: unknown): TransactionReceipt {
  const wire = decodeWith(transactionWire, body, 'transaction')
  return {
    transactionId: wire.transactionID,
    flavourId: wire.flavorID,
    clusterId: wire.clusterID,
    ...(wire.expirationTime ? { expiresAt: wire.expirationTime } : {}),
    ...(wire.configuration ? { configuration: configurationFromWire(wire.configuration) } : {}),
  }
}
