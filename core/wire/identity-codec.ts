import type * as z from 'zod'
import type { NodeIdentity } from '../flavours/model.ts'
import { MAX_SECRET_LENGTH, omitEmpty, wireId, wireList, wireObject, wireText } from './wire-object.ts'

/** Longest DNS name, and so domain. */
const MAX_DOMAIN_LENGTH = 253

const additionalInformationWire = wireObject({
  liqoID: wireText(256).optional(),
  kubeconfig: wireText(MAX_SECRET_LENGTH).optional(),
})

export const nodeIdentityWire = wireObject({
  ID: wireId,
  IP: wireText(256).default(''),
  domain: wireText(MAX_DOMAIN_LENGTH).default(''),
  additionalInformation: additionalInformationWire.optional(),
})

export type NodeIdentityWire = z.output<typeof nodeIdentityWire>

export const identityFromWire = (wire: NodeIdentityWire): NodeIdentity => ({
  id: wire.ID,
  ip: wire.IP,
  domain: wire.domain,
  ...(wire.additionalInformation?.liqoID ? { liqoId: wire.additionalInformation.liqoID } : {}),
})

/** Encodes an identity; a kubeconfig is included only when the caller passes one explicitly. */
export function identityToWire(identity: NodeIdentity, kubeconfig?: string) {
  const additionalInformation = omitEmpty({ liqoID: identity.liqoId, kubeconfig })
  return {
    ID: identity.id,
    IP: identity.ip,
    domain: identity.domain,
    ...(Object.keys(additionalInformation).length ? { additionalInformation } : {}),
  }
}

export const liqoCredentialsWire = wireObject({
  clusterID: wireText(256).default(''),
  kubeconfig: wireText(MAX_SECRET_LENGTH).default(''),
})

export const telemetryEndpointWire = wireObject({
  endpoint: wireText(2048).default(''),
  intents: wireList(wireText()).default([]),
})
