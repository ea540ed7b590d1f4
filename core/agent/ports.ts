/** A command for the in-cluster agent as it left the participant's agent queue. */
export interface AgentCommand {
  /** The queue's message id: stable across redeliveries, the command's id in the agent API. */
  id: string
  /** Opaque handle of this delivery: acknowledging or extending needs it. */
  receipt: string
  type: string
  payload: Record<string, unknown>
  /** How many times the queue has handed this command out (1 on the first delivery). */
  receivedCount: number
}

/**
 * The agent's side of the participant's agent command queue: the agent has no AWS credentials, so the
 * participant reads the queue for it. A command not acknowledged comes back after the visibility
 * timeout, and goes to the dead-letter queue after 5 receives.
 */
export interface AgentInbox {
  /** Up to `max` (1–10) commands, waiting up to `waitSeconds` (0–20) for the first one. */
  receive(waitSeconds: number, max: number): Promise<AgentCommand[]>
  /** Deletes the delivered command for good; acknowledging twice is harmless. */
  acknowledge(receipt: string): Promise<void>
  /** Hides the delivered command for `seconds` more while the agent works on it. */
  extend(receipt: string, seconds: number): Promise<void>
}

export const AGENT_OUTCOMES = ['received', 'progress', 'done', 'failed'] as const
/** Where a command is: handed out, being worked on, or finished one way or the other. */
export type AgentOutcome = (typeof AGENT_OUTCOMES)[number]

/** What operators see of one command. */
export interface AgentCommandRecord {
  id: string
  type?: string
  outcome: AgentOutcome
  detail?: string
  receivedCount?: number
  updatedAt: Date
}

/** The outcomes of agent commands, kept so operators can see what the agent did. */
export interface AgentCommandRepository {
  get(id: string): Promise<AgentCommandRecord | undefined>
  /**
   * Stores `record` unless the command already has a final outcome (`done` or `failed`), which the
   * first report fixes: a late or repeated report never overwrites it. False when nothing was written.
   */
  save(record: AgentCommandRecord): Promise<boolean>
}
