import { createServer } from 'node:net'

export class PortInUseError extends Error {
  override name = 'PortInUseError'
}

function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)))
  })
}

/**
 * Fails fast, naming the port, its owner and `--port-offset`, when a participant port is taken:
 * checked before DynamoDB Local starts, which takes seconds a new user would wait only to be told.
 */
export async function assertPortsFree(host: string, ports: readonly { port: number; owner: string }[]): Promise<void> {
  for (const { port, owner } of ports) {
    const error = await tryListen(host, port)
    if (!error) continue
    if (error.code === 'EADDRINUSE') throw new PortInUseError(`Port ${port} (${owner}) is in use on ${host}; choose other ports with --port-offset <n> (npm start -- --port-offset 100)`)
    throw new PortInUseError(`Cannot listen on ${host}:${port} (${owner}): ${error.message}`, { cause: error })
  }
}
