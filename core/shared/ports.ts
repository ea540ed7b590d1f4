/** Time source. Injected everywhere so that expiry is decided by code and testable with a fake. */
export interface Clock {
  /** Current instant. */
  now(): Date
  /** Resolves after `ms` milliseconds of this clock's time (used for retry backoff). */
  sleep(ms: number): Promise<void>
}

/** Identifier source. Injected so tests and golden files get stable ids. */
export interface IdGenerator {
  /** A new opaque identifier; `prefix` is prepended verbatim when given. */
  next(prefix?: string): string
  /** A transaction id in the FLUIDOS Go node's shape: 32 hex characters, a dash, unix nanoseconds. */
  transactionId(now: Date): string
  /** `n` random lower-case hex characters. */
  hex(n: number): string
}

export type LogFields = Record<string, unknown>

/** Structured event log: one JSON line per event, named by a stable `event` constant. Never pass secrets. */
export interface Logger {
  info(event: string, fields?: LogFields): void
  warn(event: string, fields?: LogFields): void
  error(event: string, fields?: LogFields): void
  child(fields: LogFields): Logger
}
