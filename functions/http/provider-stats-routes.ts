import { Hono } from 'hono'
import type { ProviderStatsRepository } from '../../core/providers/ports.ts'
import { getProviderStats, listProviderStats } from '../../core/providers/provider-stats.ts'
import type { AppEnv } from './env.ts'
import { idParam, methodNotAllowed } from './middleware.ts'

export interface ProviderStatsRouteDeps {
  providerStats: ProviderStatsRepository
}

/** Ratings & Metrics per provider, as this node measured them: `GET /providers/v1` and `GET /providers/v1/{id}`. */
export function providerStatsRoutes(deps: ProviderStatsRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/providers/v1', async (c) => c.json({ providers: await listProviderStats(deps) }))
  app.all('/providers/v1', methodNotAllowed(['GET']))
  app.get('/providers/v1/:id', async (c) => c.json(await getProviderStats(deps, idParam(c, 'id'))))
  app.all('/providers/v1/:id', methodNotAllowed(['GET']))
  return app
}
