import { Hono } from 'hono'
import { NotFoundError } from '../../core/shared/errors.ts'
import type { IntentDeps } from '../../core/intents/intent-deps.ts'
import { submitIntent } from '../../core/intents/submit-intent.ts'
import { rateIntent } from '../../core/intents/rate-intent.ts'
import { WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../../core/intents/webhook.ts'
import { intentListQuery, intentView, ratingWire } from '../../core/wire/intent-codec.ts'
import { decodeWith } from '../../core/wire/wire-object.ts'
import type { AppEnv } from './env.ts'
import { idParam, methodNotAllowed, readJson, readQuery } from './middleware.ts'

/** Intents per page when the query names no limit. */
const DEFAULT_PAGE = 20

/**
 * The consumer node's intent API: platforms submit intents by Standard Webhooks-signed POST (the
 * signature covers the raw bytes, so the body is read once as text), read their status and list,
 * and rate what an intent bought.
 */
export function intentRoutes(deps: IntentDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.post('/intents/v1', async (c) => {
    const raw = await c.req.text()
    const headers = {
      ...optional('id', c.req.header(WEBHOOK_ID_HEADER)),
      ...optional('timestamp', c.req.header(WEBHOOK_TIMESTAMP_HEADER)),
      ...optional('signature', c.req.header(WEBHOOK_SIGNATURE_HEADER)),
    }
    const { intent, created } = await submitIntent({ ...deps, logger: c.get('logger') }, raw, headers)
    c.header('Location', `/intents/v1/${intent.id}`)
    return c.json({ ...intentView(intent), replayed: !created }, 202)
  })
  app.get('/intents/v1', async (c) => {
    const query = readQuery(c, intentListQuery)
    const page = await deps.intents.list(query.limit ?? DEFAULT_PAGE, query.cursor)
    return c.json({ intents: page.intents.map(intentView), next: page.next ?? null })
  })
  app.all('/intents/v1', methodNotAllowed(['POST', 'GET']))

  app.get('/intents/v1/:id', async (c) => {
    const id = idParam(c, 'id')
    const intent = await deps.intents.get(id)
    if (!intent) throw new NotFoundError('Intent', id, { code: 'INTENT_NOT_FOUND' })
    return c.json(intentView(intent))
  })
  app.all('/intents/v1/:id', methodNotAllowed(['GET']))

  app.post('/intents/v1/:id/rating', async (c) => {
    const id = idParam(c, 'id')
    const body = decodeWith(ratingWire, await readJson(c), 'rating')
    const { intent, providerId } = await rateIntent({ ...deps, logger: c.get('logger') }, id, body)
    return c.json({ intentId: intent.id, providerId, score: body.score, comment: body.comment ?? null, at: intent.rating!.at.toISOString() }, 201)
  })
  app.all('/intents/v1/:id/rating', methodNotAllowed(['POST']))
  return app
}

const optional = <K extends string>(name: K, value: string | undefined) => (value === undefined ? {} : ({ [name]: value } as Record<K, string>))
