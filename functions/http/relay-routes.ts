import { Hono } from 'hono'
import type { DiscoveryDeps } from '../../core/discovery/search-flavours.ts'
import { answerRelay } from '../../core/discovery/search-flavours.ts'
import type { AcceptPublicationDeps } from '../../core/discovery/accept-publication.ts'
import { acceptPublication } from '../../core/discovery/accept-publication.ts'
import { relayAnswerToWire, relayRequestFromWire } from '../../core/wire/relay-codec.ts'
import { publicationFromWire } from '../../core/wire/publication-codec.ts'
import { authorizePublisher } from '../../core/security/authorize.ts'
import type { AppEnv } from './env.ts'
import { idParam, methodNotAllowed, readJson } from './middleware.ts'

/** rear-cloud's participant-to-participant routes: the LIST_FLAVOURS relay, served by every role. */
export function relayRoutes(deps: DiscoveryDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.post('/rear/v1/relay/list-flavours', async (c) => {
    const request = relayRequestFromWire(await readJson(c))
    const logger = c.get('logger').child({ correlationId: request.correlationId })
    const answer = await answerRelay({ ...deps, logger }, request)
    return c.json(relayAnswerToWire(answer))
  })
  app.all('/rear/v1/relay/list-flavours', methodNotAllowed(['POST']))
  return app
}

/** Providers push their flavour sets to supernodes and catalogs (REFRESH / WITHDRAW), whole or in ordered parts. */
export function publicationRoutes(deps: AcceptPublicationDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.put('/rear/v1/publications/:publisherId', async (c) => {
    const publisherId = idParam(c, 'publisherId')
    authorizePublisher(c.get('caller'), publisherId)
    const { flavours, part } = publicationFromWire(await readJson(c))
    const result = await acceptPublication({ ...deps, logger: c.get('logger') }, publisherId, flavours, part)
    return c.json({ accepted: result.accepted, withdrawn: result.withdrawn, complete: result.complete, expiresAt: result.expiresAt.toISOString() })
  })
  app.delete('/rear/v1/publications/:publisherId', async (c) => {
    const publisherId = idParam(c, 'publisherId')
    authorizePublisher(c.get('caller'), publisherId)
    const result = await acceptPublication({ ...deps, logger: c.get('logger') }, publisherId, [])
    return c.json({ accepted: 0, withdrawn: result.withdrawn })
  })
  app.all('/rear/v1/publications/:publisherId', methodNotAllowed(['PUT', 'DELETE']))
  return app
}
