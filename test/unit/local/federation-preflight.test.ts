import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startFederation } from '../../../local/federation-runtime.ts'
import { DEFAULT_FEDERATION } from '../../../local/federation.ts'
import { freePort } from '../../../local/free-port.ts'

describe('starting the local federation', () => {
  const held: Server[] = []
  afterEach(async () => {
    await Promise.all(held.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
  })

  it('refuses a busy participant port before starting DynamoDB Local, naming the port and --port-offset', async () => {
    const { participants, progress, busyPort } = await setup({ busy: 'provider-supernode' })
    await expect(startFederation({ participants, onProgress: progress.push.bind(progress) })).rejects.toThrow(
      new RegExp(`Port ${busyPort} \\(provider-supernode\\) is in use.*--port-offset`),
    )
    expect(progress.join('\n')).not.toContain('DynamoDB Local')
  })

  it.each([
    [{ HOP_TIMEOUT_SECONDS: '0' }, 'HOP_TIMEOUT_SECONDS'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ MAX_BODY_BYTES: 'lots' }, 'MAX_BODY_BYTES'],
  ])('stops on %j before starting anything, naming the variable', async (env, variable) => {
    const { participants, progress } = await setup()
    await expect(startFederation({ participants, env, onProgress: progress.push.bind(progress) })).rejects.toThrow(variable)
    expect(progress.join('\n')).not.toContain('DynamoDB Local')
  })

  async function setup(input: { busy?: string } = {}) {
    const participants = await Promise.all(DEFAULT_FEDERATION.map(async (p) => ({ ...p, port: await freePort() })))
    const busyPort = participants.find((p) => p.id === input.busy)?.port
    if (busyPort !== undefined) held.push(await hold(busyPort))
    return { participants, busyPort, progress: [] as string[] }
  }
})

function hold(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}
