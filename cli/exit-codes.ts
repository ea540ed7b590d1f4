/** The `rear` exit codes: scripts branch on them, so they never change meaning. */
export const EXIT = {
  /** Success; for an intent, it was Solved. */
  ok: 0,
  /** The intent or operation ended Failed or TimedOut (or a release did not finish). */
  failed: 1,
  /** A usage error: unknown command or option, bad argument, unreadable intent file. */
  usage: 2,
  /** The participant answered 4xx: its code and message are printed. */
  refused: 3,
  /** The participant could not be reached, timed out or answered 5xx. */
  unavailable: 4,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** The exit code table as `--help` and the README show it. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success (for an intent: Solved)
  1  the intent or operation Failed or TimedOut
  2  usage error (unknown command or option, bad argument, unreadable file)
  3  the participant refused the request (4xx): its code and message are printed
  4  the participant is unreachable, timed out or answered 5xx`

/** An error that ends the command with a given exit code; its message goes to stderr as `rear: <message>`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly answer?: { status: number; code?: string; body?: unknown },
  ) {
    super(message)
    this.name = 'CliError'
  }
}
