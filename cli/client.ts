import { isOperatorRoute } from '../functions/http/hardening.ts'
import { CliError, EXIT } from './exit-codes.ts'

/** The local consumer node of `npm start`. */
export const DEFAULT_URL = 'http://127.0.0.1:30000'

/** How long one request may take before the participant counts as unreachable (discovery fans out, so it is generous). */
export const REQUEST_TIMEOUT_MS = 30_000

export interface Answer<T = unknown> {
  status: number
  headers: Headers
  body: T
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined> | [string, string][]
  /** A body already serialised (signed bodies must go out byte for byte). */
  body?: string
  headers?: Record<string, string>
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Parses and checks a participant base URL; a bad one is a usage error. */
export function participantUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CliError(`--url ${JSON.stringify(text)} is not a URL (e.g. ${DEFAULT_URL})`, EXIT.usage)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--url must be http or https, not ${url.protocol}`, EXIT.usage)
  return url
}

/**
 * A participant's HTTP API as the CLI sees it: JSON in and out, the admin token on its operator routes, and
 * every failure turned into a {@link CliError} with its exit code (4xx → 3, 5xx or no answer → 4).
 */
export class ParticipantClient {
  constructor(
    readonly baseUrl: URL,
    private readonly fetchFn: typeof fetch,
    private readonly adminToken?: string,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {}

  url(path: string, query?: RequestOptions['query']): URL {
    const base = this.baseUrl.href.endsWith('/') ? this.baseUrl.href : `${this.baseUrl.href}/`
    const url = new URL(path.replace(/^\//, ''), base)
    const entries = Array.isArray(query) ? query : Object.entries(query ?? {}).filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    for (const [key, value] of entries) url.searchParams.append(key, String(value))
    return url
  }

  get<T = unknown>(path: string, query?: RequestOptions['query']): Promise<Answer<T>> {
    return this.request<T>('GET', path, query ? { query } : {})
  }

  post<T = unknown>(path: string, body: string, headers: Record<string, string> = {}): Promise<Answer<T>> {
    return this.request<T>('POST', path, { body, headers: { 'Content-Type': 'application/json', ...headers } })
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const url = this.url(path, options.query)
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers }
    if (this.adminToken && isOperatorRoute(method, `/${path.replace(/^\//, '')}`)) headers.Authorization = `Bearer ${this.adminToken}`
    let response: Response
    let text: string
    try {
      response = await this.fetchFn(url, { method, headers, ...(options.body !== undefined ? { body: options.body } : {}), signal: AbortSignal.timeout(this.timeoutMs) })
      text = await response.text()
    } catch (error) {
      const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      throw new CliError(
        timedOut ? `${method} ${url.href}: no answer within ${this.timeoutMs / 1000} s` : `cannot reach ${url.origin} (${method} ${url.pathname}): ${cause}`,
        EXIT.unavailable,
      )
    }
    let body: unknown = undefined
    if (text.length > 0) {
      try {
        body = JSON.parse(text)
      } catch {
        body = text
      }
    }
    if (response.status >= 400) {
      const code = isRecord(body) && typeof body.code === 'string' ? body.code : undefined
      const message = isRecord(body) && typeof body.message === 'string' ? body.message : typeof body === 'string' ? body.slice(0, 500) : response.statusText
      throw new CliError(
        `${method} ${url.pathname} answered ${response.status}${code ? ` ${code}` : ''}: ${message}`,
        response.status >= 500 ? EXIT.unavailable : EXIT.refused,
        { status: response.status, ...(code ? { code } : {}), body },
      )
    }
    return { status: response.status, headers: response.headers, body: body as T }
  }
}
