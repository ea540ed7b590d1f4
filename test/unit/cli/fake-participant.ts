import type { CliIo } from '../../../cli/io.ts'
import { runCli } from '../../../cli/program.ts'

export interface RecordedRequest {
  method: string
  url: URL
  headers: Headers
  body: string
}

export interface FakeAnswer {
  status?: number
  body?: unknown
  headers?: Record<string, string>
}

/** A route handler: its answer, or a thrown error to stand for a network failure. */
export type Handler = (request: RecordedRequest) => FakeAnswer

/** A participant behind an injected fetch: routes keyed `METHOD /path`, every request recorded. */
export class FakeParticipant {
  readonly requests: RecordedRequest[] = []
  private readonly routes = new Map<string, Handler>()

  on(method: string, path: string, handler: Handler | FakeAnswer): this {
    this.routes.set(`${method} ${path}`, typeof handler === 'function' ? handler : () => handler)
    return this
  }

  /** Answers in turn, the last one again once they run out. */
  sequence(method: string, path: string, answers: FakeAnswer[]): this {
    let next = 0
    return this.on(method, path, () => answers[Math.min(next++, answers.length - 1)] ?? {})
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const method = init?.method ?? 'GET'
    const request: RecordedRequest = { method, url, headers: new Headers(init?.headers), body: typeof init?.body === 'string' ? init.body : '' }
    this.requests.push(request)
    const handler = this.routes.get(`${method} ${url.pathname}`)
    if (!handler) return Response.json({ code: 'ROUTE_NOT_FOUND', message: `No route for ${method} ${url.pathname}` }, { status: 404 })
    const answer = handler(request)
    const status = answer.status ?? 200
    const body = answer.body === undefined || status === 204 ? null : JSON.stringify(answer.body)
    return new Response(body, { status, headers: { 'Content-Type': 'application/json', ...answer.headers } })
  }
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `rear` in-process against `participant`, with files and environment of its own and no real waiting. */
export async function runRear(
  argv: string[],
  participant: FakeParticipant,
  options: { env?: Record<string, string>; files?: Record<string, string>; stdin?: string; now?: () => Date; stderrIsTTY?: boolean } = {},
): Promise<RunResult> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), ...(options.stderrIsTTY ? { isTTY: true, columns: 80 } : {}) },
    env: options.env ?? {},
    fetch: participant.fetch,
    readFile: async (path) => {
      const content = options.files?.[path]
      if (content === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`)
      return content
    },
    readStdin: async () => options.stdin ?? '',
    sleep: async () => undefined,
    now: options.now ?? (() => new Date()),
  }
  const code = await runCli(argv, io)
  return { code, stdout, stderr }
}
