import { Hono } from 'hono'
import type { DiscoveryDeps } from '../../core/discovery/search-flavours.ts'
import { discoverFlavours } from '../../core/discovery/search-flavours.ts'
import { flavourToWire } from '../../core/wire/flavour-codec.ts'
import type { AppEnv } from './env.ts'
import { methodNotAllowed } from './middleware.ts'
import { selectorFromRequest } from './provider-routes.ts'

/** The node's Discovery Manager, for its own platform: one call, the whole federation. */
export function discoveryRoutes(deps: DiscoveryDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/discovery/v1/flavors/:type', async (c) => {
    const selector = selectorFromRequest(c.req.param('type'), c.req.url)
    const correlationId = c.get('correlationId')
    const answer = await discoverFlavours({ ...deps, logger: c.get('logger') }, selector, correlationId)
    return c.json({
      correlationId,
      candidates: answer.results.map((item) => ({ providerID: item.flavour.owner.id, route: item.route, flavor: flavourToWire(item.flavour) })),
      failedPeers: answer.failed,
    })
  })
  app.all('/discovery/v1/flavors/:type', methodNotAllowed(['GET']))
  return app
}
