import { describe, expect, it } from 'vitest'
import { ROLES } from '../../../core/peers/model.ts'
import type { Role } from '../../../core/peers/model.ts'
import { SELECTOR_PARAMETERS } from '../../../core/wire/selector-query.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

interface DocumentedParameter {
  name: string
  in: 'path' | 'query'
  schema?: { enum?: string[] }
  example?: string
  'x-flavor-types'?: string[]
}

interface DocumentedOperation {
  method: string
  path: string
  parameters: DocumentedParameter[]
  security?: unknown
}

const toOpenApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z]+)/g, '{$1}')

const withPathValues = (path: string, parameters: DocumentedParameter[]): string[] =>
  parameters
    .filter((p) => p.in === 'path')
    .reduce<string[]>((paths, p) => paths.flatMap((partial) => (p.schema?.enum ?? [p.example ?? 'x-1']).map((value) => partial.replace(`{${p.name}}`, value))), [path])

describe.each(ROLES)('OpenAPI document of a %s', (role) => {
  it('documents exactly the routes the app serves', async () => {
    const { app, operations } = await setup(role)
    const served = app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`)
    expect(new Set(operations.map((o) => `${o.method} ${o.path}`))).toEqual(new Set(served))
  })

  it('routes every documented path parameter value to its handler', async () => {
    const { request, operations } = await setup(role)
    for (const operation of operations.filter((o) => o.parameters.some((p) => p.in === 'path'))) {
      for (const path of withPathValues(operation.path, operation.parameters)) {
        const res = await request(operation.method.toUpperCase(), path, operation.method === 'get' || operation.method === 'delete' ? undefined : {})
        expect({ path, status: res.status, code: res.body?.code }).not.toMatchObject({ code: expect.stringMatching(/^(ROUTE_NOT_FOUND|METHOD_NOT_ALLOWED)$/) })
        expect(res.status, `${operation.method} ${path}`).toBeLessThan(500)
        if (operation.method === 'get') expect(res.status, `GET ${path}`).not.toBe(400)
      }
    }
  })

  it('accepts every documented selector parameter with its example value', async () => {
    const { request, operations } = await setup(role)
    const queried = operations.filter((o) => o.parameters.some((p) => p['x-flavor-types']))
    expect(queried.map((o) => o.path)).toEqual(role === 'node' ? ['/api/v2/flavors/{type}', '/discovery/v1/flavors/{type}'] : ['/api/v2/flavors/{type}'])
    for (const operation of queried) {
      const query = operation.parameters.filter((p) => p['x-flavor-types'])
      expect(query.map((p) => p.name).sort()).toEqual([...new Set([...SELECTOR_PARAMETERS.k8slice, ...SELECTOR_PARAMETERS.service])].sort())
      for (const parameter of query) {
        for (const type of parameter['x-flavor-types'] ?? []) {
          const path = `${operation.path.replace('{type}', type)}?${encodeURIComponent(parameter.name)}=${encodeURIComponent(parameter.example ?? '')}`
          const res = await request('GET', path)
          expect(res.status, `GET ${path}: ${res.text}`).toBe(200)
        }
      }
    }
  })

  it('declares the operator bearer token on every operator operation and the agent’s on every agent operation, and only there', async () => {
    const { operations, document } = await setup(role)
    const operator = (o: DocumentedOperation) => /^\/(admin|chain|discovery|providers)\//.test(o.path) || (o.path.startsWith('/intents/') && !(o.method === 'post' && o.path === '/intents/v1'))
    expect(document.components?.securitySchemes).toEqual({
      adminToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      agentToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    })
    for (const operation of operations) {
      const expected = operator(operation) ? [{ adminToken: [] }] : operation.path.startsWith('/agent/') ? [{ agentToken: [] }] : undefined
      expect(operation.security, `${operation.method} ${operation.path}`).toEqual(expected)
    }
  })

  async function setup(role: Role) {
    const participant = await createInMemoryParticipant({ role })
    const document = (await participant.request('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { parameters?: DocumentedParameter[]; security?: unknown }>>
      components?: { securitySchemes?: unknown }
    }
    const operations: DocumentedOperation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ method, path, parameters: operation.parameters ?? [], security: operation.security })),
    )
    return { ...participant, operations, document }
  }
})
