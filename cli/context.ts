import { DEFAULT_URL, ParticipantClient, participantUrl } from './client.ts'
import type { CliIo } from './io.ts'

/** The global options every command shares. */
export interface GlobalOptions {
  url?: string
  adminToken?: string
  json?: boolean
}

/** What a command runs with: the participant client, the output mode and the streams. */
export interface CommandContext {
  io: CliIo
  json: boolean
  client: ParticipantClient
  /** A result line on stdout. */
  out(line: string): void
  /** A progress line or note on stderr. */
  note(line: string): void
  /** A JSON result on stdout: indented, or one line (NDJSON). */
  printJson(value: unknown, oneLine?: boolean): void
}

/** Anything with commander's `optsWithGlobals()`. */
export interface HasGlobals {
  optsWithGlobals(): object
}

/** Resolves the global options (flag, then environment, then default) into a command context. */
export function contextOf(command: HasGlobals, io: CliIo): CommandContext {
  const opts = command.optsWithGlobals() as GlobalOptions
  const url = participantUrl(opts.url ?? io.env.REAR_URL ?? DEFAULT_URL)
  const adminToken = opts.adminToken ?? io.env.REAR_ADMIN_TOKEN
  return {
    io,
    json: opts.json === true,
    client: new ParticipantClient(url, io.fetch, adminToken || undefined),
    out: (line) => void io.stdout.write(`${line}\n`),
    note: (line) => void io.stderr.write(`${line}\n`),
    printJson: (value, oneLine = false) => void io.stdout.write(`${oneLine ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`),
  }
}
