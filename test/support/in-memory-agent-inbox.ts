import type { ClusterStatus, ClusterStatusRepository } from '../../core/cluster/ports.ts'
import type { AgentCommand, AgentCommandRecord, AgentCommandRepository, AgentInbox } from '../../core/agent/ports.ts'
import { ConflictError } from '../../core/shared/errors.ts'

interface Queued {
  id: string
  type: string
  payload: Record<string, unknown>
  receivedCount: number
  /** The receipt of the delivery in flight, if any. */
  receipt?: string
  extendedBy: number[]
}

/**
 * In-memory fake of the agent queue with SQS's delivery rules that matter to the agent API: a received
 * command is in flight under a fresh receipt until acknowledged or `redeliver`ed (its visibility
 * timeout passing); acknowledging the same receipt twice is harmless, an unknown receipt is a 409.
 */
export class InMemoryAgentInbox implements AgentInbox {
  readonly queued: Queued[] = []
  readonly deleted: string[] = []
  readonly waits: number[] = []
  private receipts = 0

  push(type: string, payload: Record<string, unknown> = {}, id = `cmd-${this.queued.length + this.deleted.length + 1}`): string {
    this.queued.push({ id, type, payload, receivedCount: 0, extendedBy: [] })
    return id
  }

  /** The visibility timeout of every command in flight passes: each can be received again. */
  redeliver(): void {
    for (const q of this.queued) delete q.receipt
  }

  async receive(waitSeconds: number, max: number): Promise<AgentCommand[]> {
    this.waits.push(waitSeconds)
    const visible = this.queued.filter((q) => !q.receipt).slice(0, max)
    return visible.map((q) => {
      q.receivedCount++
      q.receipt = `receipt-${++this.receipts}`
      return { id: q.id, receipt: q.receipt, type: q.type, payload: q.payload, receivedCount: q.receivedCount }
    })
  }

  async acknowledge(receipt: string): Promise<void> {
    const index = this.queued.findIndex((q) => q.receipt === receipt)
    if (index >= 0) {
      this.deleted.push(...this.queued.splice(index, 1).map((q) => q.id))
      return
    }
    if (!this.issued(receipt)) throw new ConflictError('The receipt no longer names a delivery of this command', { code: 'AGENT_RECEIPT_INVALID' })
  }

  async extend(receipt: string, seconds: number): Promise<void> {
    const queued = this.queued.find((q) => q.receipt === receipt)
    if (!queued) throw new ConflictError('The receipt no longer names a delivery in flight', { code: 'AGENT_RECEIPT_INVALID' })
    queued.extendedBy.push(seconds)
  }

  private issued(receipt: string): boolean {
    const n = Number(/^receipt-(\d+)$/.exec(receipt)?.[1] ?? Number.NaN)
    return n > 0 && n <= this.receipts
  }
}

/** In-memory fake of the agent command records with the DynamoDB adapter's rule: a final outcome stays. */
export class InMemoryAgentCommandRecords implements AgentCommandRepository {
  readonly records = new Map<string, AgentCommandRecord>()

  async get(id: string): Promise<AgentCommandRecord | undefined> {
    const record = this.records.get(id)
    return record ? { ...record, updatedAt: new Date(record.updatedAt) } : undefined
  }

  async save(record: AgentCommandRecord): Promise<boolean> {
    const known = this.records.get(record.id)
    if (known && (known.outcome === 'done' || known.outcome === 'failed')) return false
    this.records.set(record.id, { ...record, updatedAt: new Date(record.updatedAt) })
    return true
  }
}

/** The agent's latest cluster report, kept in memory; an older report never replaces a newer one. */
export class InMemoryClusterStatus implements ClusterStatusRepository {
  status: ClusterStatus | undefined

  async get() {
    return this.status ? { ...this.status } : undefined
  }

  async save(status: ClusterStatus) {
    if (!this.status || this.status.reportedAt <= status.reportedAt) this.status = { ...status }
  }
}
