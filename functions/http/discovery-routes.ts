import { Hono } from 'hono'
import { ValidationError } from '../../core/shared/errors.ts'
import type { DiscoveryDeps } from '../../core/discovery/search-flavours.ts'
import { discoverFlavours } from '../../core/discovery/search-flavours.ts'
import { flavourToWire } from '../../core/wire/flavour-codec.ts'
import type { ResultPage } from '../../core/discovery/model.ts'
import { decodeIndexCursor, encodeIndexCursor } from '../../core/catalog/index-cursor.ts'
import type { AppEnv } from './env.ts'
import { methodNotAllowed } from './middleware.ts'
import { selectorFromRequest } from './provider-routes.ts'

/** Candidates one discovery answer carries unless `limit` says otherwise, and the most it may ask for. */
export const DISCOVERY_PAGE = { default: 100, max: 1_000 } as const

const invalid = (parameter: string, message: string) => new ValidationError(message, { code: 'INVALID_PARAMETER', details: { parameter } })

/** The one value of a query parameter, or undefined; given twice is a 400. */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name)
  if (values.length > 1) throw invalid(name, `Query parameter ${name} may be given once`)
  params.delete(name)
  return values[0]
}

/**
 * `fresh=true` asks the peers even when an answer was learnt moments ago; `limit` (1–1,000, default
 * 100) and `cursor` (a previous answer's `nextCursor`) page the answer; the rest of the query is the selector.
 */
function optionsFromQuery(url: string): { fresh: boolean; page: ResultPage; selectorUrl: string } {
  const parsed = new URL(url)
  const fresh = single(parsed.searchParams, 'fresh')
  if (fresh !== undefined && fresh !== 'true' && fresh !== 'false') throw invalid('fresh', 'Query parameter fresh must be true or false, once')
  const limitText = single(parsed.searchParams, 'limit')
  const limit = limitText === undefined ? DISCOVERY_PAGE.default : Number(limitText)
  if (!/^\d{1,4}$/.test(limitText ?? '1') || !Number.isInteger(limit) || limit < 1 || limit > DISCOVERY_PAGE.max) {
    throw invalid('limit', `Query parameter limit must be an integer from 1 to ${DISCOVERY_PAGE.max}`)
  }
  const cursor = single(parsed.searchParams, 'cursor')
  const page: ResultPage = { limit, ...(cursor !== undefined ? { after: decodeIndexCursor(cursor) } : {}) }
  return { fresh: fresh === 'true', page, selectorUrl: parsed.toString() }
}

/** The node's Discovery Manager, for its own platform: one call, the whole federation, one page of candidates at a time (cheapest first). */
export function discoveryRoutes(deps: DiscoveryDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/discovery/v1/flavors/:type', async (c) => {
    const { fresh, page, selectorUrl } = optionsFromQuery(c.req.url)
    const selector = selectorFromRequest(c.req.param('type'), selectorUrl)
    const correlationId = c.get('correlationId')
    const answer = await discoverFlavours({ ...deps, logger: c.get('logger') }, selector, correlationId, { fresh, page })
    return c.json({
      correlationId,
      candidates: answer.results.map((item) => ({ providerID: item.flavour.owner.id, route: item.route, flavor: flavourToWire(item.flavour) })),
      failedPeers: answer.failed,
      ...(answer.next ? { nextCursor: encodeIndexCursor(answer.next) } : {}),
    })
  })
  app.all('/discovery/v1/flavors/:type', methodNotAllowed(['GET']))
  return app
}
