import type { IncomingMessage, ServerResponse } from 'node:http'
import { coreVersions, groupList, groupOf, resourceList } from './discovery.ts'
import { typeByPlural } from './resources.ts'
import type { ResourceType } from './resources.ts'
import { parseFieldSelector, parseLabelSelector } from './selectors.ts'
import type { KubeObject } from './selectors.ts'
import { apiVersionOf } from './resources.ts'
import { badRequest, failure, KubeError } from './status.ts'
import type { FakeKubeStore } from './store.ts'
import { serveWatch } from './watch.ts'
import type { OpenWatch } from './watch.ts'

/** Settings of the HTTP handler. */
export interface HandlerOptions {
  token?: string
  bookmarkIntervalMs: number
  /** Resolves when watches may be served; held during a simulated partition. */
  watchGate: () => Promise<void>
}

/** One request the fake served, so tests can see what the client asked for. */
export interface RecordedRequest {
  method: string
  path: string
}

interface Target {
  type: ResourceType
  namespace?: string
  name?: string
  subresource?: 'status'
}

const json = (res: ServerResponse, code: number, body: unknown) => {
  res.writeHead(code, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw badRequest('the request has no body')
  try {
    return JSON.parse(text)
  } catch {
    throw badRequest('the request body is not JSON')
  }
}

const resolveTarget = (group: string, version: string, segments: string[]): Target | undefined => {
  const [first, second, third, fourth, fifth] = segments
  if (first === 'namespaces' && second !== undefined && third !== undefined) {
    const type = typeByPlural(group, version, third)
    if (type?.namespaced) {
      if (fifth !== undefined && fifth !== 'status') return undefined
      return { type, namespace: second, ...(fourth === undefined ? {} : { name: fourth }), ...(fifth === 'status' ? { subresource: 'status' as const } : {}) }
    }
  }
  if (first === undefined) return undefined
  const type = typeByPlural(group, version, first)
  if (!type || (third !== undefined && third !== 'status') || segments.length > 3) return undefined
  return { type, ...(second === undefined ? {} : { name: second }), ...(third === 'status' ? { subresource: 'status' as const } : {}) }
}

/** The request handler of the fake API server: discovery, CRUD, patch, the status subresource and watch. */
export const createHandler = (store: FakeKubeStore, options: HandlerOptions, watches: Set<OpenWatch>, requests: RecordedRequest[]) => {
  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const segments = url.pathname.split('/').filter((s) => s !== '')
    const method = req.method ?? 'GET'
    if (method === 'GET' && url.pathname === '/version') return json(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0-fake-kube' })
    if (method === 'GET' && url.pathname === '/api') return json(res, 200, coreVersions())
    if (method === 'GET' && url.pathname === '/apis') return json(res, 200, groupList())
    let group: string
    let version: string
    let rest: string[]
    if (segments[0] === 'api' && segments[1] !== undefined) [group, version, rest] = ['', segments[1], segments.slice(2)]
    else if (segments[0] === 'apis' && segments[1] !== undefined && segments[2] === undefined) {
      const doc = groupOf(segments[1])
      return doc ? json(res, 200, doc) : json(res, 404, failure(404, 'NotFound', 'the server could not find the requested resource'))
    } else if (segments[0] === 'apis' && segments[1] !== undefined && segments[2] !== undefined) [group, version, rest] = [segments[1], segments[2], segments.slice(3)]
    else return json(res, 404, failure(404, 'NotFound', 'the server could not find the requested resource'))
    if (rest.length === 0 && method === 'GET') {
      const doc = resourceList(group, version)
      return doc ? json(res, 200, doc) : json(res, 404, failure(404, 'NotFound', 'the server could not find the requested resource'))
    }
    const target = resolveTarget(group, version, rest)
    if (!target) return json(res, 404, failure(404, 'NotFound', 'the server could not find the requested resource'))
    const { type, namespace, name, subresource } = target
    const query = url.searchParams
    if (name === undefined) {
      const selectors = [parseLabelSelector(query.get('labelSelector')), parseFieldSelector(query.get('fieldSelector'))]
      const watch = query.get('watch')
      if (method === 'GET' && (watch === 'true' || watch === '1')) {
        await options.watchGate()
        if (res.destroyed || req.destroyed) return
        const timeout = query.get('timeoutSeconds')
        const rv = query.get('resourceVersion')
        let open: OpenWatch | undefined = undefined
        open = serveWatch(
          store,
          {
            type,
            ...(namespace === undefined ? {} : { namespace }),
            selectors,
            ...(rv === null ? {} : { resourceVersion: rv }),
            bookmarks: query.get('allowWatchBookmarks') === 'true',
            ...(timeout === null ? {} : { timeoutSeconds: Number(timeout) }),
          },
          res,
          options.bookmarkIntervalMs,
          () => {
            if (open) watches.delete(open)
          },
        )
        if (!res.writableEnded) watches.add(open)
        return
      }
      if (method === 'GET') {
        const { items, resourceVersion } = store.listOf(type, namespace, selectors)
        return json(res, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(resourceVersion) }, items })
      }
      if (method === 'POST') return json(res, 201, store.create(type, namespace, (await readBody(req)) as KubeObject))
    } else {
      if (method === 'GET') return json(res, 200, store.read(type, namespace, name))
      if (method === 'PUT') return json(res, 200, store.update(type, namespace, name, (await readBody(req)) as KubeObject, subresource))
      if (method === 'PATCH') {
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? ''
        return json(res, 200, store.patch(type, namespace, name, contentType, await readBody(req), subresource))
      }
      if (method === 'DELETE' && subresource === undefined) return json(res, 200, store.remove(type, namespace, name))
    }
    return json(res, 405, failure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`))
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake-kube')
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search })
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`)
      return json(res, 401, failure(401, 'Unauthorized', 'Unauthorized'))
    try {
      await route(req, res, url)
    } catch (error) {
      if (res.headersSent) return void res.end()
      if (error instanceof KubeError) json(res, error.status.code, error.status)
      else json(res, 500, failure(500, 'InternalError', error instanceof Error ? error.message : String(error)))
    }
  }
}
