import * as z from 'zod'
import type { Contract, PurchaseRequest } from '../contracts/model.ts'
import { configurationFromWire, configurationToWire, configurationWire } from './configuration-codec.ts'
import { flavourFromWire, flavourToWire } from './flavour-codec.ts'
import { identityFromWire, identityToWire, liqoCredentialsWire, nodeIdentityWire, telemetryEndpointWire } from './identity-codec.ts'
import { decodeWith, formatTimestamp, timestampString, wireId, wireIdOrEmpty, wireKey, wireObject, wireText } from './wire-object.ts'

export const purchaseRequestWire = wireObject(
  {
    liqoCredentials: liqoCredentialsWire.optional(),
    ingressTelemetryEndpoint: telemetryEndpointWire.optional(),
  },
  { strict: true },
)

export function purchaseRequestFromWire(body: unknown): PurchaseRequest {
  const wire = decodeWith(purchaseRequestWire, body, 'purchase request')
  return {
    ...(wire.liqoCredentials ? { liqoCredentials: { clusterId: wire.liqoCredentials.clusterID, kubeconfig: wire.liqoCredentials.kubeconfig } } : {}),
    ...(wire.ingressTelemetryEndpoint ? { ingressTelemetryEndpoint: wire.ingressTelemetryEndpoint } : {}),
  }
}

/** The Go node's Contract JSON, keys in its order (reference §3.7). */
export function contractToWire(contract: Contract) {
  return {
    contractID: contract.id,
    transactionID: contract.transactionId,
    flavor: flavourToWire(contract.flavour),
    buyerID: identityToWire(contract.buyer),
    buyerClusterID: contract.buyerClusterId,
    seller: identityToWire(contract.seller),
    peeringTargetCredentials: {
      clusterID: contract.peeringTargetCredentials.clusterId,
      kubeconfig: contract.peeringTargetCredentials.kubeconfig,
    },
    expirationTime: formatTimestamp(contract.expiresAt),
    ...(contract.extraInformation && Object.keys(contract.extraInformation).length
      ? { extraInformation: contract.extraInformation }
      : {}),
    ...(contract.configuration ? { configuration: configurationToWire(contract.configuration) } : {}),
    ...(contract.ingressTelemetryEndpoint ? { ingressTelemetryEndpoint: contract.ingressTelemetryEndpoint } : {}),
  }
}

export const contractWire = wireObject({
  contractID: wireId,
  transactionID: wireIdOrEmpty.default(''),
  flavor: z.unknown(),
  buyerID: nodeIdentityWire,
  buyerClusterID: wireText(256).default(''),
  seller: nodeIdentityWire,
  peeringTargetCredentials: liqoCredentialsWire.default({ clusterID: '', kubeconfig: '' }),
  expirationTime: timestampString,
  extraInformation: z.record(wireKey, wireText()).optional(),
  configuration: configurationWire.optional(),
  ingressTelemetryEndpoint: telemetryEndpointWire.optional(),
})

/** Decodes a provider's contract answer (a buyer's view). */
export function contractFromWire(body: unknown, createdAt: Date): Contract {
  const wire = decodeWith(contractWire, body, 'contract')
  return {
    id: wire.contractID,
    transactionId: wire.transactionID,
    flavour: flavourFromWire(wire.flavor),
    buyer: identityFromWire(wire.buyerID),
    buyerClusterId: wire.buyerClusterID,
    seller: identityFromWire(wire.seller),
    peeringTargetCredentials: { clusterId: wire.peeringTargetCredentials.clusterID, kubeconfig: wire.peeringTargetCredentials.kubeconfig },
    expiresAt: wire.expirationTime,
    ...(wire.configuration ? { configuration: configurationFromWire(wire.configuration) } : {}),
    ...(wire.ingressTelemetryEndpoint ? { ingressTelemetryEndpoint: wire.ingressTelemetryEndpoint } : {}),
    ...(wire.extraInformation ? { extraInformation: wire.extraInformation } : {}),
    createdAt,
  }
}
