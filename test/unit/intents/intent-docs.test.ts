import { describe, expect, it } from 'vitest'
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi'
import { registerIntentDocs } from '../../../functions/http/openapi/intent-docs.ts'

describe(registerIntentDocs.name, () => {
  it('documents the four intent operations with their webhook headers and bodies', () => {
    const { paths } = setup()
    expect(Object.keys(paths).sort()).toEqual(['/intents/v1', '/intents/v1/{id}', '/intents/v1/{id}/rating'])
    expect(Object.keys(paths['/intents/v1']!).sort()).toEqual(['get', 'post'])
    const post = paths['/intents/v1']!.post!
    expect(post.parameters.filter((p: { in: string }) => p.in === 'header').map((p: { name: string }) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature'])
    expect(post.requestBody.content['application/json'].schema.properties).toHaveProperty('need')
    expect(Object.keys(post.responses).sort()).toEqual(['202', '400', '401'])
    expect(Object.keys(paths['/intents/v1/{id}/rating']!.post!.responses).sort()).toEqual(['201', '400', '404', '409'])
  })

  function setup() {
    const registry = new OpenAPIRegistry()
    registerIntentDocs(registry)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info: { title: 't', version: '0' } }) as any
    return { paths: document.paths as Record<string, Record<string, any>> } // eslint-disable-line @typescript-eslint/no-explicit-any
  }
})
