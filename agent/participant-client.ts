import type { Flavour } from '../core/flavours/model.ts'
import { flavourToWire } from '../core/wire/flavour-codec.ts'
import type { PeeringData, PeeringStep } from '../core/cluster/cluster-commands.ts'
import type { RequestSigner } from '../core/security/ports.ts'

/** A command as the participant hands it out. */
export interface ReceivedCommand {
  id: string
  receipt: string
  type: string
  payload: Record<string, unknown>
  receivedCount: number
}

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
  /** Signs every call with the agent's key (`agent#<kid>`, in the participant's AGENT_PUBLIC_KEYS). */
  signer?: RequestSigner
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

  private async call(method: string, path: string, body?: unknown, timeoutMs = this.options.timeoutMs ?? 10_000, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const url = `${this.baseUrl}${path}`
    const text = body === undefined ? undefined : JSON.stringify(body)
    const signed = this.options.signer ? await this.options.signer.sign(new Request(url, { method, headers, ...(text === undefined ? {} : { body: text }) })) : headers
    const response = await this.fetchImpl(url, {
      method,
      headers: signed,
      ...(text === undefined ? {} : { body: text }),
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
    })
    if (!response.ok) throw new ParticipantCallError(response.status, path, await response.text())
    return response
  }

  /** Offers `flavour` as this node's current flavour: created the first time, refreshed in place after. */
  async putFlavour(flavour: Flavour): Promise<void> {
    const response = await this.call('PUT', `/agent/v1/flavours/${encodeURIComponent(flavour.id)}`, flavourToWire(flavour))
    await response.body?.cancel()
  }

  /** Up to 10 commands from the agent queue, waiting up to `waitSeconds` (0–20) for the first. */
  async receiveCommands(waitSeconds: number, signal?: AbortSignal): Promise<ReceivedCommand[]> {
    const response = await this.call('GET', `/agent/v1/commands?wait=${waitSeconds}`, undefined, (waitSeconds + 10) * 1000, signal)
    return ((await response.json()) as { commands: ReceivedCommand[] }).commands
  }

  /** Reports a command's outcome: `done` and `failed` end it, `progress` keeps it hidden while the work goes on. */
  async reportResult(id: string, receipt: string, outcome: 'done' | 'failed' | 'progress', detail?: string): Promise<void> {
    const body = { receipt, outcome, ...(detail ? { detail: detail.slice(0, 4000) } : {}) }
    await (await this.call('POST', `/agent/v1/commands/${encodeURIComponent(id)}/result`, body)).body?.cancel()
  }

  /** Hands a peering step to the participant, which carries it along the chain to the other end. */
  async sendPeering(chainId: string, step: PeeringStep, data: PeeringData): Promise<void> {
    await (await this.call('POST', `/agent/v1/chains/${encodeURIComponent(chainId)}/peering`, { step, data })).body?.cancel()
  }

  /** This side's peering is ready (`active`) or cannot be (`error`): the participant marks the allocation. */
  async reportPeering(chainId: string, status: 'active' | 'error', detail?: string): Promise<void> {
    const body = { status, ...(detail ? { detail: detail.slice(0, 4000) } : {}) }
    await (await this.call('PUT', `/agent/v1/chains/${encodeURIComponent(chainId)}/peering-status`, body)).body?.cancel()
  }

  /** A workload's phase and pod readiness on its virtual node. */
  async reportWorkload(chainId: string, name: string, status: { phase: string; readyPods: number; totalPods: number; node?: string; detail?: string }): Promise<void> {
    const body = { ...status, ...(status.detail ? { detail: status.detail.slice(0, 4000) } : {}) }
    await (await this.call('PUT', `/agent/v1/chains/${encodeURIComponent(chainId)}/workloads/${encodeURIComponent(name)}`, body)).body?.cancel()
  }

  /** Whether Liqo is ready on this cluster; the participant answers 503 to peering calls while it is not. */
  async reportCluster(report: { clusterId?: string; liqoReady: boolean; detail?: string }): Promise<void> {
    await (await this.call('PUT', '/agent/v1/cluster', report)).body?.cancel()
  }

  /** Stops offering a flavour (its node is gone or no longer eligible); holds and contracts on it stay. */
  async withdrawFlavour(id: string): Promise<void> {
    const response = await this.call('DELETE', `/agent/v1/flavours/${encodeURIComponent(id)}`)
    await response.body?.cancel()
  }
}
