import * as z from 'zod'
import { configurationWire } from './configuration-codec.ts'
import { wireId } from './wire-object.ts'

/**
 * The body of `POST /chain/v1/operations`: which discovered candidate to reserve, what part of it, and
 * whether to buy at once. One schema for the route and its OpenAPI document.
 */
export const operationRequestWire = z.strictObject({
  flavorID: wireId,
  providerID: wireId,
  configuration: configurationWire.optional(),
  deferPurchase: z.boolean().default(false),
})
