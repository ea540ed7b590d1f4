import { Hono } from 'hono'
import type { Logger } from '../../core/shared/ports.ts'
import type { AppEnv } from './env.ts'
import { auditRoutes, auditTrail } from './audit-routes.ts'
import type { AuditLog } from '../../core/security/audit.ts'
import { errorJson, onError } from './error-handler.ts'
import type { AuthMiddleware, RequestLogFields } from './middleware.ts'
import { allowAll, correlation, limitBody, methodNotAllowed } from './middleware.ts'
import { guardOperatorRoutes, hostCheck, noStore, requireJson, securityHeaders } from './hardening.ts'
import type { ProviderApiDeps } from './provider-routes.ts'
import { providerRoutes } from './provider-routes.ts'
import type { AdminDeps } from './admin-routes.ts'
import type { Role } from '../../core/peers/model.ts'
import type { DiscoveryDeps } from '../../core/discovery/search-flavours.ts'
import type { AcceptPublicationDeps } from '../../core/discovery/accept-publication.ts'
import { discoveryRoutes } from './discovery-routes.ts'
import { publicationRoutes, relayRoutes } from './relay-routes.ts'
import { peerAdminRoutes } from './peer-admin-routes.ts'
import type { KeyRing, SealingKeyRing } from '../../core/security/ports.ts'
import { keyRoutes } from './signature-auth.ts'
import type { RateLimiter } from '../../core/shared/rate-limit.ts'
import type { RateLimits } from './rate-limit.ts'
import { mountRateLimits } from './rate-limit.ts'
import type { PeerAdminDeps } from './peer-admin-routes.ts'
import type { ChainDeps } from '../../core/chain/chain-deps.ts'
import type { RemoteFlavourRepository } from '../../core/discovery/ports.ts'
import { chainRoutes, operationRoutes } from './chain-routes.ts'
import { adminRoutes } from './admin-routes.ts'
import type { AgentDeps } from './agent-routes.ts'
import { agentRoutes } from './agent-routes.ts'
import { agentChainRoutes } from './agent-chain-routes.ts'
import type { ClusterStatusRepository } from '../../core/cluster/ports.ts'
import type { Clock } from '../../core/shared/ports.ts'
import { PEERING_ROUTES, liqoGate } from './liqo-gate.ts'
import type { IntentDeps } from '../../core/intents/intent-deps.ts'
import { intentRoutes } from './intent-routes.ts'
import type { ProviderStatsRouteDeps } from './provider-stats-routes.ts'
import { providerStatsRoutes } from './provider-stats-routes.ts'

export interface AppDeps {
  role: Role
  participantId: string
  logger: Logger
  maxBodyBytes: number
  provider: ProviderApiDeps
  admin: AdminDeps
  peers: PeerAdminDeps
  discovery: DiscoveryDeps
  /** Supernodes and catalogs accept publications from providers. */
  publication?: AcceptPublicationDeps
  chain: ChainDeps & { candidates: RemoteFlavourRepository }
  /** Guards the REAR API between participants (signed calls land here). */
  peerAuth?: AuthMiddleware
  /** Guards the operator API: `/admin/*`, `/chain/*`, `/discovery/*`, `/providers/*` and the intents but their submission. */
  adminAuth?: AuthMiddleware
  /** `host[:port]` names this participant answers to (local mode, `ALLOWED_HOSTS`); any other Host gets 421. None: no check. */
  allowedHosts?: readonly string[]
  /** Per-caller token buckets on the REAR API; absent: no limit. */
  rateLimiter?: RateLimiter
  rateLimits?: RateLimits
  /** This participant's signing keys: their public half is served at `/.well-known/rear-keys`. */
  signingKeys?: KeyRing
  /** Its sealing keys: the current public one is served there too (`use: enc`). */
  sealingKeys?: SealingKeyRing
  /** The in-cluster agent's API: commands from the agent queue, flavour refresh and withdrawal. */
  agent?: AgentDeps
  /** Guards the agent API with the agent's own token (never the admin token). */
  agentAuth?: AuthMiddleware
  /** Nodes: the intent webhook and status API. */
  intents?: IntentDeps
  /** Nodes: what is measured and rated of providers. */
  providerStats?: ProviderStatsRouteDeps
  /** Nodes with an agent: calls that lead to peering answer 503 while its cluster's Liqo is not ready. */
  cluster?: { status: ClusterStatusRepository; clock: Clock }
  /** Fields the runtime adds to every log line of a request (Lambda: `awsRequestId`, `coldStart`). */
  requestLogFields?: RequestLogFields
  /** The audit trail: every state-changing call recorded; `GET /admin/v1/audit` for operators. */
  audit?: { log: AuditLog; clock: Clock }
}

/** One Hono app per participant; the role decides which route groups it mounts. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use('*', correlation(deps.logger, deps.participantId, deps.requestLogFields))
  if (deps.audit) app.use('*', auditTrail(deps.audit.log, deps.audit.clock))
  app.use('*', securityHeaders())
  app.use('*', noStore)
  app.use('*', hostCheck(deps.allowedHosts))
  app.use('*', limitBody(deps.maxBodyBytes))
  app.use('*', requireJson)
  app.use('/api/*', deps.peerAuth ?? allowAll)
  app.use('/rear/*', deps.peerAuth ?? allowAll)
  if (deps.rateLimiter) mountRateLimits(app, deps.rateLimiter, deps.rateLimits)
  guardOperatorRoutes(app, deps.adminAuth ?? allowAll)
  app.use('/agent/*', deps.agentAuth ?? allowAll)
  if (deps.cluster) for (const [method, path] of PEERING_ROUTES) app.on(method, path, liqoGate(deps.cluster.status, deps.cluster.clock))
  app.onError(onError)
  app.notFound((c) => errorJson(c, 404, { code: 'ROUTE_NOT_FOUND', message: `No route for ${c.req.method} ${c.req.path}` }))

  app.get('/healthz', (c) => c.json({ status: 'ok', role: deps.role, participant: deps.participantId }))
  app.all('/healthz', methodNotAllowed(['GET']))
  app.route('/', providerRoutes(deps.provider))
  app.route('/', relayRoutes(deps.discovery))
  if (deps.role === 'node') app.route('/', discoveryRoutes(deps.discovery))
  if (deps.publication) app.route('/', publicationRoutes(deps.publication))
  app.route('/', chainRoutes(deps.chain))
  if (deps.role === 'node') app.route('/', operationRoutes(deps.chain))
  app.route('/', adminRoutes(deps.admin))
  app.route('/', peerAdminRoutes(deps.peers))
  if (deps.signingKeys || deps.sealingKeys) app.route('/', keyRoutes(deps.signingKeys, deps.sealingKeys))
  if (deps.audit) app.route('/', auditRoutes({ audit: deps.audit.log, clock: deps.audit.clock }))
  if (deps.agent) app.route('/', agentRoutes(deps.agent))
  if (deps.agent && deps.role === 'node') app.route('/', agentChainRoutes(deps.chain))
  if (deps.intents) app.route('/', intentRoutes(deps.intents))
  if (deps.providerStats) app.route('/', providerStatsRoutes(deps.providerStats))
  let document: Promise<object> | undefined
  app.get('/openapi.json', async (c) => {
    document ??= import('./openapi/openapi-document.ts').then(({ buildOpenApiDocument }) =>
      buildOpenApiDocument({ title: `rear-cloud ${deps.role} ${deps.participantId}`, description: 'FLUIDOS REAR as serverless functions', role: deps.role }),
    )
    return c.json(await document)
  })
  app.all('/openapi.json', methodNotAllowed(['GET']))
  return app
}
