import ora from 'ora'
import type { Ora } from 'ora'
import type { TextSink } from './io.ts'

/**
 * Progress on stderr: plain lines always, and a spinner under them only when stderr is a terminal
 * with a width (ora divides by it) and the output is not JSON. Lines are printed above the spinner so none is ever redrawn twice.
 */
export class Progress {
  private readonly spinner: Ora | undefined

  constructor(
    private readonly stderr: TextSink,
    options: { spinner: boolean; quiet: boolean },
    private readonly quiet = options.quiet,
  ) {
    this.spinner =
      options.spinner && !options.quiet && stderr.isTTY === true && (stderr.columns ?? 0) > 0
        ? ora({ stream: stderr as NodeJS.WriteStream, discardStdin: false, isEnabled: true })
        : undefined
  }

  line(text: string): void {
    if (this.quiet) return
    if (this.spinner?.isSpinning) {
      this.spinner.clear()
      this.stderr.write(`${text}\n`)
      this.spinner.render()
    } else this.stderr.write(`${text}\n`)
  }

  status(text: string): void {
    if (!this.spinner) return
    this.spinner.text = text
    if (!this.spinner.isSpinning) this.spinner.start()
  }

  stop(): void {
    this.spinner?.stop()
  }
}
