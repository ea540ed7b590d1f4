import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { intentListQuery, intentRequestWire, intentStatusWire, ratingWire } from '../../../core/wire/intent-codec.ts'
import { failure, json } from './provider-docs.ts'

const webhookHeaders = z.object({
  'webhook-id': z.string().describe('Unique per delivery; the same id again returns the same intent and creates nothing'),
  'webhook-timestamp': z.string().describe('Unix seconds; refused when more than 5 minutes away from the server clock'),
  'webhook-signature': z.string().describe('v1,<base64 HMAC-SHA256 over "{id}.{timestamp}.{raw body}"> with the INTENT_WEBHOOK_SECRET (Standard Webhooks)'),
})
const idParams = z.object({ id: z.string().max(256) })

/** Documents the consumer node's intent API (role node): submit by signed webhook, status, list, rating. */
export function registerIntentDocs(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/intents/v1',
    summary: 'Submit an intent (Standard Webhooks-signed); the Node Orchestrator finds, ranks, buys, peers and deploys as its action asks',
    request: { headers: webhookHeaders, body: json(intentRequestWire, 'The intent (camelCase, strict)') },
    responses: {
      202: json(intentStatusWire.extend({ replayed: z.boolean().describe('true when this webhook-id was seen before') }), 'Accepted; Location names the intent'),
      400: failure('Malformed intent (nothing stored)'),
      401: failure('Missing webhook headers, stale timestamp or bad signature (nothing stored)'),
    },
  })
  registry.registerPath({
    method: 'get',
    path: '/intents/v1',
    summary: 'Intents, newest first, a page at a time',
    request: { query: intentListQuery },
    responses: { 200: json(z.object({ intents: z.array(intentStatusWire), next: z.string().nullable() }), 'A page of intents'), 400: failure('Bad limit or cursor') },
  })
  registry.registerPath({
    method: 'get',
    path: '/intents/v1/{id}',
    summary: 'An intent: phase, chosen candidate and why, operation, contract, allocation, workload and its timeline by seed step',
    request: { params: idParams },
    responses: { 200: json(intentStatusWire, 'The intent'), 404: failure('Unknown intent') },
  })
  registry.registerPath({
    method: 'post',
    path: '/intents/v1/{id}/rating',
    summary: 'Rate the provider an intent bought from (1–5 with a comment); a second rating replaces the first',
    request: { params: idParams, body: json(ratingWire, 'Rating') },
    responses: {
      201: json(z.object({ intentId: z.string(), providerId: z.string(), score: z.number().int(), comment: z.string().nullable(), at: z.string() }), 'Recorded'),
      400: failure('Bad score or comment'),
      404: failure('Unknown intent'),
      409: failure('The intent bought nothing'),
    },
  })
}
