import { Hono } from 'hono'
import { ValidationError } from '../../core/shared/errors.ts'
import type { DiscoveryDeps } from '../../core/discovery/search-flavours.ts'
import { discoverFlavours } from '../../core/discovery/search-flavours.ts'
import { flavourToWire } from '../../core/wire/flavour-codec.ts'
import type { AppEnv } from './env.ts'
import { methodNotAllowed } from './middleware.ts'
import { selectorFromRequest } from './provider-routes.ts'

/** `fresh=true` asks the peers even when an answer was learnt moments ago; the rest of the query is the selector. */
function freshFromQuery(url: string): { fresh: boolean; selectorUrl: string } {
  const parsed = new URL(url)
  const values = parsed.searchParams.getAll('fresh')
  if (values.length > 1 || (values[0] !== undefined && values[0] !== 'true' && values[0] !== 'false')) {
    throw new ValidationError('Query parameter fresh must be true or false, once', { code: 'INVALID_PARAMETER', details: { parameter: 'fresh' } })
  }
  parsed.searchParams.delete('fresh')
  return { fresh: values[0] === 'true', selectorUrl: parsed.toString() }
}

/** The node's Discovery Manager, for its own platform: one call, the whole federation. */
export function discoveryRoutes(deps: DiscoveryDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/discovery/v1/flavors/:type', async (c) => {
    const { fresh, selectorUrl } = freshFromQuery(c.req.url)
    const selector = selectorFromRequest(c.req.param('type'), selectorUrl)
    const correlationId = c.get('correlationId')
    const answer = await discoverFlavours({ ...deps, logger: c.get('logger') }, selector, correlationId, { fresh })
    return c.json({
      correlationId,
      candidates: answer.results.map((item) => ({ providerID: item.flavour.owner.id, route: item.route, flavor: flavourToWire(item.flavour) })),
      failedPeers: answer.failed,
    })
  })
  app.all('/discovery/v1/flavors/:type', methodNotAllowed(['GET']))
  return app
}
