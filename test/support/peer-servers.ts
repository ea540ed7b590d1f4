import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { matchesSelector } from '../../core/flavours/selector.ts'
import { flavourFromWire } from '../../core/wire/flavour-codec.ts'
import { parseSelectorQuery } from '../../core/wire/selector-query.ts'

export interface TestServer {
  url: string
  requests: string[]
  close(): Promise<void>
}

function start(handler: (url: string, respond: (status: number, body?: string) => void) => void): Promise<TestServer> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '')
    req.resume()
    handler(req.url ?? '', (status, body) => {
      res.writeHead(status, body ? { 'Content-Type': 'application/json' } : {})
      res.end(body)
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    }),
  )
}

/** Accepts connections and never answers. */
export const startSilentServer = () => start(() => {})

/** Answers every request with a 500. */
export const startBrokenServer = () => start((_, respond) => respond(500, '{"error":"boom"}'))

const GO_K8SLICE_KEY = /^filter\[(architecture|cpu|memory|pods|storage)\]\[(match|range)\](?:\[(min|max|regex)\])?$/

const matchingCount = (flavours: unknown[], query: URLSearchParams): number => {
  const selector = parseSelectorQuery('k8slice', query.entries())
  return flavours.map((wire) => flavourFromWire(wire)).filter((flavour) => matchesSelector(flavour, selector)).length
}

/**
 * A stand-in for an unmodified FLUIDOS Go node: it parses the query exactly as the Go gateway does
 * (reference §3.5) and answers 400 for any other key. Its K8Slice selector endpoint has Go's bug 1: it
 * answers as many flavours as match, but the first ones of the unfiltered list.
 */
export const startGoNode = (flavours: unknown[]) =>
  start((url, respond) => {
    const parsed = new URL(url, 'http://go')
    if (parsed.pathname === '/api/v2/flavors') return respond(flavours.length ? 200 : 204, flavours.length ? JSON.stringify(flavours) : undefined)
    if (parsed.pathname !== '/api/v2/flavors/k8slice') return respond(404, '404 page not found\n')
    for (const key of parsed.searchParams.keys()) if (!GO_K8SLICE_KEY.test(key)) return respond(400, `Error: invalid query key ${key}\n`)
    if (flavours.length === 0) return respond(204)
    respond(200, JSON.stringify(flavours.slice(0, matchingCount(flavours, parsed.searchParams))))
  })
