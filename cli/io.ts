import { readFile } from 'node:fs/promises'
import { setTimeout as delay } from 'node:timers/promises'

/** Where a stream of text goes; a real stream also says whether it is a terminal. */
export interface TextSink {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

/** Everything the CLI touches outside itself, injected so tests run it in-process. */
export interface CliIo {
  /** Results: the answer, or JSON with `--json`. */
  stdout: TextSink
  /** Progress, notes and errors. */
  stderr: TextSink
  env: Record<string, string | undefined>
  fetch: typeof fetch
  readFile(path: string): Promise<string>
  readStdin(): Promise<string>
  sleep(ms: number): Promise<void>
  now(): Date
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}

/** The real process: its streams, environment, fetch, files and clock. */
export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  fetch: globalThis.fetch,
  readFile: (path) => readFile(path, 'utf8'),
  readStdin: () => readAll(process.stdin),
  sleep: (ms) => delay(ms),
  now: () => new Date(),
})
