import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { DEFAULT_FEDERATION } from '../../../local/federation.ts'
import { assertPortsFree } from '../../../local/port-check.ts'

const ROOT = new URL('../../../', import.meta.url).pathname

/** How the local federation is started from a shell. */
export const START_COMMANDS = {
  /** What `npm start` runs: one node process with tsx's loader. */
  node: [process.execPath, '--import', 'tsx', 'local/start.ts'],
  npm: ['npm', 'start', '--silent', '--'],
} as const

export interface StartedProcess {
  child: ChildProcess
  stderr(): string
  /** The participant ports and DynamoDB Local's, from the banner; rejects if the process exits first. */
  ready(timeoutMs?: number): Promise<{ participantPorts: number[]; dynamoPort: number }>
  /** Resolves once the process and everything holding its stdio (its children) are gone. */
  closed(): Promise<number | null>
  /** SIGKILL to the whole process group: cleanup after a failed test. */
  killGroup(): void
}

/** A random `--port-offset` whose five participant ports are all free. */
export async function freePortOffset(): Promise<number> {
  for (;;) {
    const offset = 1000 + Math.floor(Math.random() * 28000)
    try {
      await assertPortsFree('127.0.0.1', DEFAULT_FEDERATION.map((p) => ({ port: p.port + offset, owner: p.id })))
      return offset
    } catch {
      continue
    }
  }
}

/** Starts `npm start`'s process in its own process group, with `env` on top of this one's. */
export function startProcess(command: readonly string[], args: readonly string[], env: Record<string, string> = {}): StartedProcess {
  const [file, ...rest] = command
  const child = spawn(file!, [...rest, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  return {
    child,
    stderr: () => stderr,
    closed: () => closed,
    ready: (timeoutMs = 25_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms:\n${stderr}`)), timeoutMs)
        const check = () => {
          if (!stderr.includes('Press Ctrl+C to stop.')) return
          clearTimeout(timer)
          child.stderr!.off('data', check)
          const dynamo = /DynamoDB Local\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)
          const participants = [...stderr.matchAll(/^ {2}\S+\s+http:\/\/127\.0\.0\.1:(\d+) {3}\(OpenAPI/gm)].map((m) => Number(m[1]))
          resolve({ participantPorts: participants, dynamoPort: Number(dynamo?.[1]) })
        }
        child.stderr!.on('data', check)
        void closed.then((code) => reject(new Error(`exited with ${code} before ready:\n${stderr}`)))
      }),
    killGroup: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    },
  }
}

/** Whether anything accepts connections on the loopback port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Process ids of DynamoDB Local (Java) serving the port. */
export function dynamoLocalPids(port: number): number[] {
  const { stdout } = spawnSync('pgrep', ['-f', `DynamoDBLocal.jar .*-port ${port}( |$)`], { encoding: 'utf8' })
  return stdout.split('\n').filter(Boolean).map(Number)
}

/** Polls `check` until it holds or `timeoutMs` passes; answers whether it held. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Nothing of the federation is left: no DynamoDB Local for its port, and no port open. */
export async function allGone(ports: { participantPorts: number[]; dynamoPort: number }): Promise<boolean> {
  if (dynamoLocalPids(ports.dynamoPort).length) return false
  for (const port of [...ports.participantPorts, ports.dynamoPort]) if (await portOpen(port)) return false
  return true
}
