import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi'
import type { Role } from '../../../core/peers/model.ts'
import { registerAdminDocs } from './admin-docs.ts'
import { registerAuditDocs } from './audit-docs.ts'
import { registerAgentDocs } from './agent-docs.ts'
import { registerProviderDocs } from './provider-docs.ts'
import { registerFederationDocs } from './federation-docs.ts'
import { registerIntentDocs } from './intent-docs.ts'
import { registerProviderStatsDocs } from './provider-stats-docs.ts'
import { isOperatorRoute } from '../hardening.ts'

export interface DocumentInfo {
  title: string
  description: string
  /** Which route groups the participant serves, and so documents. */
  role: Role
}

/**
 * The OpenAPI 3.1 document of a participant, generated from the same zod schemas the wire codec
 * validates with. Loaded lazily by `/openapi.json`, so the generator stays off the cold-start path.
 */
export function buildOpenApiDocument({ role, ...info }: DocumentInfo): object {
  const registry = new OpenAPIRegistry()
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness, role and participant id',
    responses: { 200: { description: 'Healthy' } },
  })
  registry.registerPath({ method: 'get', path: '/openapi.json', summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } })
  registerProviderDocs(registry)
  registerFederationDocs(registry, role)
  registerAdminDocs(registry)
  registerAuditDocs(registry)
  registerAgentDocs(registry, role)
  if (role === 'node') {
    registerIntentDocs(registry)
    registerProviderStatsDocs(registry)
  }
  registry.registerComponent('securitySchemes', ADMIN_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'The participant’s ADMIN_TOKEN. Without one configured the operator API is open (local mode).',
  })
  registry.registerComponent('securitySchemes', AGENT_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'The in-cluster agent’s AGENT_TOKEN, for /agent/* only. Without one configured the agent API is open (local mode).',
  })
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { ...info, version: '0.1.0' },
  })
  return withAdminSecurity(document)
}

const ADMIN_SCHEME = 'adminToken'
const AGENT_SCHEME = 'agentToken'

/**
 * Every operator operation (`isOperatorRoute`: `/admin/`, chains, discovery, providers, intents but
 * their signed submission) requires the operator's bearer token, and every one under `/agent/` the
 * agent's (neither opens the other's); the REAR API between participants declares none yet.
 */
function withAdminSecurity<D extends { paths?: object }>(document: D): D {
  for (const [path, operations] of Object.entries(document.paths ?? {}) as [string, Record<string, object>][]) {
    for (const [method, operation] of Object.entries(operations)) {
      const scheme = isOperatorRoute(method, path) ? ADMIN_SCHEME : path.startsWith('/agent/') ? AGENT_SCHEME : undefined
      if (scheme) Object.assign(operation, { security: [{ [scheme]: [] }] })
    }
  }
  return document
}
