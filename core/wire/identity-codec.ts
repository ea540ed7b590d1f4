import * as z from 'zod'
import type { NodeIdentity } from '../flavours/model.ts'
import { omitEmpty, wireObject } from './wire-object.ts'

const additionalInformationWire = wireObject({
  liqoID: z.string().optional(),
  kubeconfig: z.string().optional(),
})

export const nodeIdentityWire = wireObject({
  ID: z.string().min(1, 'ID must not be empty'),
  IP: z.string().default(''),
  domain: z.string().default(''),
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
  clusterID: z.string().default(''),
  kubeconfig: z.string().default(''),
})

export const telemetryEndpointWire = wireObject({
  endpoint: z.string().default(''),
  intents: z.array(z.string()).default([]),
})
