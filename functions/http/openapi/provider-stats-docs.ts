import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi'
import * as z from 'zod'
import { failure, json } from './provider-docs.ts'

const providerStatsSchema = z.object({
  providerId: z.string(),
  chains: z.number().int().describe('Chains that ended (purchased or failed) with this provider'),
  successes: z.number().int().describe('Of those, the purchased ones'),
  successRate: z.number().nullable().describe('successes / chains; null before any chain (the ranking smooths it: (successes + 1) / (chains + 2))'),
  meanAnswerMs: z.number().nullable().describe("Mean time from a chain's start to its purchase or failure, in ms"),
  peerings: z.number().int().describe('Peerings measured'),
  meanPeeringMs: z.number().nullable().describe('Mean time from purchase to the consumer’s peering active, in ms'),
  ratings: z.number().int().describe('Ratings counted, one per intent (the latest)'),
  meanRating: z.number().nullable().describe('Mean rating, 1–5; null before the first'),
  updatedAt: z.string().describe('RFC 3339'),
})

/** Documents the Ratings & Metrics routes (`GET /providers/v1`, `GET /providers/v1/{id}`). */
export function registerProviderStatsDocs(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/providers/v1',
    summary: 'Ratings & Metrics of every provider this node has dealt with (feed the ranking, docs/ranking.md)',
    responses: { 200: json(z.object({ providers: z.array(providerStatsSchema) }), 'By provider id') },
  })
  registry.registerPath({
    method: 'get',
    path: '/providers/v1/{id}',
    summary: 'Ratings & Metrics of one provider',
    request: { params: z.object({ id: z.string().max(256) }) },
    responses: {
      200: json(providerStatsSchema, 'The provider’s stats'),
      400: failure('Malformed provider id'),
      404: failure('No stats for this provider (PROVIDER_NOT_FOUND)'),
    },
  })
}
