import type { LogFields, Logger } from '../../core/shared/ports.ts'

export interface LoggedEvent {
  level: 'info' | 'warn' | 'error'
  event: string
  fields: LogFields
}

export class RecordingLogger implements Logger {
  constructor(
    readonly events: LoggedEvent[] = [],
    private readonly base: LogFields = {},
  ) {}

  info(event: string, fields: LogFields = {}): void {
    this.events.push({ level: 'info', event, fields: { ...this.base, ...fields } })
  }

  warn(event: string, fields: LogFields = {}): void {
    this.events.push({ level: 'warn', event, fields: { ...this.base, ...fields } })
  }

  error(event: string, fields: LogFields = {}): void {
    this.events.push({ level: 'error', event, fields: { ...this.base, ...fields } })
  }

  child(fields: LogFields): Logger {
    return new RecordingLogger(this.events, { ...this.base, ...fields })
  }

  named(event: string): LoggedEvent[] {
    return this.events.filter((e) => e.event === event)
  }
}
