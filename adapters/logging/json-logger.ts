import type { LogFields, Logger } from '../../core/shared/ports.ts'

export type LogSink = (line: string) => void

const SECRET_KEYS = /kubeconfig|token|secret|password|authorization|privatekey|credentials/i
/** A JWK's private part (`d`, and RSA's `p`, `q`, `dp`, `dq`, `qi`) is as secret as a PEM private key. */
const JWK_PRIVATE = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi'])
const PRIVATE_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/
/** A compact JWE (a sealed credential): a JSON protected header, then four more base64url parts. */
const COMPACT_JWE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/

/** Redacts at any depth: a field named like a secret, a JWK's private members, and any text holding a PEM private key or a sealed credential. */
function redacting(key: string, value: unknown): unknown {
  if (key && (SECRET_KEYS.test(key) || JWK_PRIVATE.has(key))) return '[redacted]'
  if (typeof value === 'string' && (PRIVATE_PEM.test(value) || COMPACT_JWE.test(value))) return '[redacted]'
  return typeof value === 'bigint' ? value.toString() : value
}

/** One JSON line per event on stdout (CloudWatch-friendly); secrets are redacted at any depth. */
export class JsonLogger implements Logger {
  constructor(
    private readonly base: LogFields = {},
    private readonly sink: LogSink = (line) => process.stdout.write(`${line}\n`),
    private readonly now: () => Date = () => new Date(),
  ) {}

  private write(level: string, event: string, fields: LogFields): void {
    const record = { time: this.now().toISOString(), level, event, ...this.base, ...fields }
    this.sink(JSON.stringify(record, redacting))
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
