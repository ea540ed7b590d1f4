import { existsSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { allGone, eventually, freePortOffset, START_COMMANDS, startProcess } from './start-process.ts'
import type { StartedProcess } from './start-process.ts'

describe('npm start', () => {
  const started: StartedProcess[] = []
  const held: Server[] = []
  afterEach(async () => {
    started.splice(0).forEach((p) => p.killGroup())
    await Promise.all(held.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
  })

  it('takes DynamoDB Local and every port with it when its node process is SIGKILLed', async () => {
    const { process: federation } = await setup({ command: START_COMMANDS.node })
    const ports = await federation.ready()
    expect(await allGone(ports)).toBe(false)
    federation.child.kill('SIGKILL')
    expect(await eventually(() => allGone(ports), 5000)).toBe(true)
    // Only its temporary kubeconfig files outlive a SIGKILL (nothing runs to remove them): tidy them here.
    for (const [, dir] of federation.stderr().matchAll(/kubeconfig (\S+)\/[^/\s]+\.kubeconfig$/gm)) rmSync(dir!, { recursive: true, force: true })
  })

  it('stops cleanly, DynamoDB Local included, when npm gets SIGTERM', async () => {
    const { process: federation } = await setup({ command: START_COMMANDS.npm })
    const ports = await federation.ready()
    federation.child.kill('SIGTERM')
    expect(await eventually(() => allGone(ports), 5000)).toBe(true)
    await federation.closed()
    expect(federation.stderr()).toMatch(/went away: stopping\n.*stopped\n/)
  })

  it('runs a fake cluster per node, names its kubeconfig file, lists the seller’s node flavours, and removes the files at stop', async () => {
    const { process: federation } = await setup({ command: START_COMMANDS.node })
    await federation.ready()
    const banner = federation.stderr()
    expect(banner).toContain("fake Kubernetes API servers with Liqo's controllers simulated; no real cluster or Liqo")
    const kubeconfigs = [...banner.matchAll(/^ {2}(\S+) +http:\/\/127\.0\.0\.1:\d+ {3}kubeconfig (\S+)$/gm)].map((m) => [m[1], m[2]!] as const)
    expect(kubeconfigs.map(([id]) => id)).toEqual(['consumer-node', 'provider-node'])
    for (const [, path] of kubeconfigs) expect(readFileSync(path, 'utf8')).toContain('insecure-skip-tls-verify')
    expect(banner).toMatch(/K8Slice flavours of provider-node \(from its fake cluster’s nodes\):\n( {2}provider\.local-k8slice-[0-9a-f]{16} +amd64, .*\n){3}/)
    federation.child.kill('SIGINT')
    expect(await federation.closed()).toBe(0)
    for (const [, path] of kubeconfigs) expect(existsSync(path)).toBe(false)
  })

  it('refuses a taken participant port in seconds, naming it and --port-offset', async () => {
    const { process: federation, offset } = await setup({ command: START_COMMANDS.node, takePort: 30011 })
    expect(await federation.closed()).toBe(1)
    expect(federation.stderr()).toContain(`Port ${30011 + offset} (provider-supernode) is in use`)
    expect(federation.stderr()).toContain('--port-offset')
    expect(federation.stderr()).not.toContain('DynamoDB Local')
  })

  it('stops on a bad variable of the environment, naming it', async () => {
    const { process: federation } = await setup({ command: START_COMMANDS.node, env: { HOP_TIMEOUT_SECONDS: '0', ADMIN_TOKEN: 'short' } })
    expect(await federation.closed()).toBe(1)
    expect(federation.stderr()).toMatch(/Invalid configuration: .*ADMIN_TOKEN must be at least 16 characters.*HOP_TIMEOUT_SECONDS/)
  })

  async function setup(input: { command: readonly string[]; env?: Record<string, string>; takePort?: number }) {
    const offset = await freePortOffset()
    if (input.takePort !== undefined) held.push(await hold(input.takePort + offset))
    const process = startProcess(input.command, ['--port-offset', String(offset), '--quiet'], input.env)
    started.push(process)
    return { process, offset }
  }
})

function hold(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}
