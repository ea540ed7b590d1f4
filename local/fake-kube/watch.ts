import type { ServerResponse } from 'node:http'
import { apiVersionOf } from './resources.ts'
import type { ResourceType } from './resources.ts'
import type { KubeObject, Selector } from './selectors.ts'
import { expired } from './status.ts'
import type { ChangeEvent, FakeKubeStore } from './store.ts'

/** What a watch request asks for. */
export interface WatchRequest {
  type: ResourceType
  namespace?: string
  selectors: Selector[]
  resourceVersion?: string
  bookmarks: boolean
  timeoutSeconds?: number
}

/** An open watch stream the server can end on demand. */
export interface OpenWatch {
  /** Ends the stream cleanly, as a dropped connection does. */
  close(): void
  /** Ends the stream with an in-stream ERROR 410, as kube-apiserver does for a watcher too far behind. */
  expire(): void
}

/** Serves one watch as newline-delimited JSON events until the client leaves, the timeout passes or the server ends it. */
export const serveWatch = (store: FakeKubeStore, request: WatchRequest, res: ServerResponse, bookmarkIntervalMs: number, onEnd: () => void): OpenWatch => {
  const { type, namespace, selectors } = request
  const matches = (object: KubeObject | undefined) =>
    object !== undefined && (!type.namespaced || !namespace || object.metadata.namespace === namespace) && selectors.every((s) => s(object))
  const send = (eventType: string, object: unknown) => {
    if (!res.writableEnded) res.write(JSON.stringify({ type: eventType, object }) + '\n')
  }
  const deliver = (event: ChangeEvent) => {
    if (event.resource !== type) return
    const now = event.type !== 'DELETED' && matches(event.object)
    const before = event.type !== 'ADDED' && matches(event.previous)
    if (event.type === 'DELETED') {
      if (before || matches(event.object)) send('DELETED', event.object)
    } else if (now && before) send('MODIFIED', event.object)
    else if (now) send('ADDED', event.object)
    else if (before) send('DELETED', event.object)
  }
  const bookmark = () =>
    send('BOOKMARK', { kind: type.kind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(store.resourceVersion) } })

  const timers: NodeJS.Timeout[] = []
  let unsubscribe = () => {}
  const end = () => {
    unsubscribe()
    for (const t of timers) clearTimeout(t)
    if (!res.writableEnded) res.end()
    onEnd()
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' })
  res.flushHeaders()
  res.on('close', end)

  const from = request.resourceVersion
  if (from === undefined || from === '' || from === '0') {
    for (const object of store.listOf(type, namespace, selectors).items) send('ADDED', object)
  } else {
    const events = store.eventsSince(Number(from))
    if (events === 'expired' || Number.isNaN(Number(from))) {
      send('ERROR', expired(from))
      end()
      return { close: end, expire: end }
    }
    for (const event of events) deliver(event)
  }
  unsubscribe = store.subscribe(deliver)
  if (request.bookmarks) {
    bookmark()
    timers.push(setInterval(bookmark, bookmarkIntervalMs))
  }
  if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0) timers.push(setTimeout(end, request.timeoutSeconds * 1000))
  return {
    close: end,
    expire: () => {
      send('ERROR', expired(from ?? String(store.resourceVersion)))
      end()
    },
  }
}
