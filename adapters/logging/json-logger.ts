import type { LogFields, Logger } from '../../core/shared/ports.ts'

export type LogSink = (line: string) => void

const SECRET_KEYS = /kubeconfig|token|secret|password|authorization/i

function redact(fields: LogFields): LogFields {
  const out: LogFields = {}
  for (const [key, value] of Object.entries(fields)) out[key] = SECRET_KEYS.test(key) ? '[redacted]' : value
  return out
}

/** One JSON line per event on stdout (CloudWatch-friendly); fields named like secrets are redacted. */
export class JsonLogger implements Logger {
  constructor(
    private readonly base: LogFields = {},
    private readonly sink: LogSink = (line) => process.stdout.write(`${line}\n`),
    private readonly now: () => Date = () => new Date(),
  ) {}

  private write(level: string, event: string, fields: LogFields): void {
    const record = { time: this.now().toISOString(), level, event, ...this.base, ...redact(fields) }
    this.sink(JSON.stringify(record, (_, value) => (typeof value === 'bigint' ? value.toString() : value)))
  }

  info(event: string, fields: LogFields = {}): void {
    this.write('info', event, fields)
  }

  warn(event: string, fields: LogFields = {}): void {
    this.write('warn', event, fields)
  }

  error(event: string, fields: LogFields = {}): void {
    this.write('error', event, fields)
  }

  child(fields: LogFields): Logger {
    return new JsonLogger({ ...this.base, ...fields }, this.sink, this.now)
  }
}

export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
}
