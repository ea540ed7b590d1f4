import type { Flavour } from '../core/flavours/model.ts'
import { flavourToWire } from '../core/wire/flavour-codec.ts'

/** A call to the participant that did not succeed: its status and the start of its answer. */
export class ParticipantCallError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    readonly answer: string,
  ) {
    super(`participant answered ${status} to ${path}: ${answer.slice(0, 300)}`)
    this.name = 'ParticipantCallError'
  }
}

export interface ParticipantClientOptions {
  /** Base URL of the participant's REAR API, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com`. */
  baseUrl: string
  /** The agent's bearer token (`AGENT_TOKEN` at the participant); none in local mode without one. */
  token?: string
  fetch?: typeof fetch
  /** Per call, in milliseconds. */
  timeoutMs?: number
}

/**
 * The agent's only way out of its cluster: its participant's HTTPS API (`/agent/v1/*`), with its own
 * bearer token and no AWS credentials, so any cluster on any cloud or on-premises can run it.
 */
export class ParticipantClient {
  private readonly baseUrl: string
  private readonly fetchImpl: typeof fetch

  constructor(private readonly options: ParticipantClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, '')
    this.fetchImpl = options.fetch ?? fetch
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    })
    if (!response.ok) throw new ParticipantCallError(response.status, path, await response.text())
    return response
  }

  /** Offers `flavour` as this node's current flavour: created the first time, refreshed in place after. */
  async putFlavour(flavour: Flavour): Promise<void> {
    const response = await this.call('PUT', `/agent/v1/flavours/${encodeURIComponent(flavour.id)}`, flavourToWire(flavour))
    await response.body?.cancel()
  }

  /** Stops offering a flavour (its node is gone or no longer eligible); holds and contracts on it stay. */
  async withdrawFlavour(id: string): Promise<void> {
    const response = await this.call('DELETE', `/agent/v1/flavours/${encodeURIComponent(id)}`)
    await response.body?.cancel()
  }
}
