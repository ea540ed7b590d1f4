import { hostname, networkInterfaces } from 'node:os'
import type { Hono, MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import * as z from 'zod'
import type { AppEnv } from './env.ts'
import { errorJson } from './error-handler.ts'
import type { AuthMiddleware } from './middleware.ts'

/**
 * Headers for an API that no browser should render, frame or hand a referrer from: a CSP of
 * `default-src 'none'`, `nosniff`, `DENY`, `no-referrer`, and HSTS only on a request that came over
 * https (the cloud; a local http answer carries none).
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const headers = secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    strictTransportSecurity: false,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    xContentTypeOptions: 'nosniff',
  })
  return async (c, next) => {
    await headers(c, next)
    if (cameOverHttps(c.req.url, c.req.header('X-Forwarded-Proto'))) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  }
}

const cameOverHttps = (url: string, forwarded: string | undefined) =>
  url.startsWith('https:') || forwarded?.split(',')[0]?.trim().toLowerCase() === 'https'

/**
 * The answers that carry nothing but public data and so keep their default caching: liveness, the
 * OpenAPI document and LIST_FLAVORS. Everything else (contracts with kubeconfigs, transactions,
 * operations, intents, discovery, agent and operator answers, and every error) is `no-store`.
 */
const CACHEABLE = /^\/(healthz|openapi\.json|api\/v2\/flavors(\/[^/]+)?)$/

/** `Cache-Control: no-store` on every answer except the public ones ({@link CACHEABLE}). */
export const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  if ((c.req.method === 'GET' || c.req.method === 'HEAD') && CACHEABLE.test(c.req.path)) return
  c.header('Cache-Control', 'no-store')
}

const JSON_MEDIA_TYPE = /^application\/(json|[a-z0-9!#$&^_.+-]+\+json)$/
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH'])

/** True for `application/json` and `application/*+json`, with at most a UTF-8 charset among their parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false
  const [type, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase())
  if (!type || !JSON_MEDIA_TYPE.test(type)) return false
  return parameters.every((parameter) => !parameter.startsWith('charset=') || /^charset="?utf-8"?$/.test(parameter))
}

/**
 * Every route here reads JSON: a POST, PUT or PATCH whose body is not sent as JSON gets 415 before
 * anything else sees it, so a cross-site form (`application/x-www-form-urlencoded`,
 * `multipart/form-data`, `text/plain`) reaches no handler. An empty body (purchase, release) passes.
 */
export const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!WITH_BODY.has(c.req.method)) return next()
  const contentType = c.req.header('Content-Type')
  if (isJsonContentType(contentType) || (await bodyIsEmpty(c.req.raw))) return next()
  return errorJson(c, 415, {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: `${c.req.method} ${c.req.path} takes a JSON body: send it with Content-Type: application/json${contentType ? `, not ${contentType}` : ''}`,
    details: { contentType: contentType ?? null },
  })
}

async function bodyIsEmpty(request: Request): Promise<boolean> {
  if (!request.body || request.headers.get('Content-Length') === '0') return true
  return (await request.clone().arrayBuffer()).byteLength === 0
}

const HOST_ENTRY = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:\d{1,5})?$/

const splitHost = (value: string): { name: string; port?: string } => {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(value.trim().toLowerCase())
  return match ? { name: match[1]!, ...(match[2] ? { port: match[2] } : {}) } : { name: value }
}

/**
 * `ALLOWED_HOSTS`: a comma-separated list of `host[:port]` (IPv6 in brackets); an entry without a port
 * allows its host on any port. Blank means no check.
 */
export const allowedHostsVariable = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const entries = (value ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean)
    const bad = entries.filter((entry) => !HOST_ENTRY.test(entry))
    if (bad.length) ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of host[:port], not ${bad.map((b) => JSON.stringify(b)).join(', ')}` })
    return entries.length ? entries : undefined
  })

/**
 * The names a local participant listening on `host:port` is called by, as an `ALLOWED_HOSTS` value:
 * the address given, localhost and the loopback addresses, and for a wildcard address this machine's
 * name and every address of its interfaces.
 */
export function localAllowedHosts(host: string, port: number): string {
  const names = new Set([host.includes(':') && !host.startsWith('[') ? `[${host}]` : host, 'localhost', '127.0.0.1', '[::1]'])
  if (['0.0.0.0', '::', '[::]'].includes(host)) {
    names.add(hostname().toLowerCase())
    for (const address of Object.values(networkInterfaces()).flat()) if (address) names.add(address.family === 'IPv6' ? `[${address.address.split('%')[0]}]` : address.address)
  }
  return [...names].map((name) => `${name.toLowerCase()}:${port}`).join(',')
}

/**
 * A DNS-rebinding defence for local mode: a request whose `Host` is not in `allowed` gets 421 before
 * anything else runs. Without a list (the cloud, behind API Gateway) every host passes.
 */
export function hostCheck(allowed: readonly string[] | undefined): MiddlewareHandler<AppEnv> {
  if (!allowed?.length) return async (_c, next) => next()
  const entries = allowed.map(splitHost)
  return async (c, next) => {
    const given = c.req.header('Host') ?? new URL(c.req.url).host
    const host = splitHost(given)
    const port = host.port ?? (c.req.url.startsWith('https:') ? '443' : '80')
    if (entries.some((entry) => entry.name === host.name && (entry.port === undefined || entry.port === port))) return next()
    return errorJson(c, 421, {
      code: 'MISDIRECTED_REQUEST',
      message: `This participant does not answer to Host ${given.slice(0, 256)}: call it by one of the names in its ALLOWED_HOSTS`,
    })
  }
}

/**
 * The operator's routes, guarded by the admin token like `/admin/*`: chains and their workloads,
 * discovery, provider ratings and metrics, and every intent route but the webhook-signed submission
 * (`POST /intents/v1`): its reads and the rating.
 */
export const OPERATOR_PREFIXES = ['/admin/', '/chain/', '/discovery/', '/providers/'] as const

/** True when `method path` is an operator route ({@link OPERATOR_PREFIXES}, intents but their submission). */
export function isOperatorRoute(method: string, path: string): boolean {
  if (OPERATOR_PREFIXES.some((prefix) => path.startsWith(prefix))) return true
  if (!path.startsWith('/intents/')) return false
  return !(method.toUpperCase() === 'POST' && /^\/intents\/v1\/?$/.test(path))
}

/** Puts `auth` in front of every operator route of `app` ({@link isOperatorRoute}), through the router itself. */
export function guardOperatorRoutes(app: Hono<AppEnv>, auth: AuthMiddleware): void {
  for (const prefix of OPERATOR_PREFIXES) app.use(`${prefix}*`, auth)
  app.use('/intents/*', async (c, next) => (isOperatorRoute(c.req.method, c.req.path) ? auth(c, next) : next()))
}
