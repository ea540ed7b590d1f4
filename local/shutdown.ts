/** The parts of `process` a shutdown needs; a fake in tests. */
export interface ShutdownProcess {
  readonly ppid: number
  on(signal: NodeJS.Signals, listener: () => void): unknown
  exit(code: number): void
}

export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

export interface ShutdownOptions {
  /** How often to look whether the parent process is still there, in ms. */
  parentCheckMs?: number
  onProgress?: (message: string) => void
}

/**
 * Stops once, then exits: on Ctrl+C, SIGTERM, SIGHUP, and when the parent process goes away. npm
 * forwards SIGTERM only to the shell it ran the script in, which dies without passing it on, so the
 * parent changing (re-parented to init) is the only sign this process gets. A second signal while
 * stopping exits at once.
 */
export function stopOnShutdown(stop: () => Promise<void>, proc: ShutdownProcess = process, options: ShutdownOptions = {}): { dispose(): void } {
  const progress = options.onProgress ?? (() => {})
  const parent = proc.ppid
  let stopping = false
  const shutdown = (reason: string) => {
    if (stopping) {
      progress(`${reason} again: exiting without waiting`)
      proc.exit(1)
      return
    }
    stopping = true
    clearInterval(watch)
    progress(`${reason}: stopping`)
    stop().then(
      () => {
        progress('stopped')
        proc.exit(0)
      },
      (error: unknown) => {
        progress(`stop failed: ${error instanceof Error ? error.message : String(error)}`)
        proc.exit(1)
      },
    )
  }
  for (const signal of SHUTDOWN_SIGNALS) proc.on(signal, () => shutdown(signal))
  const watch = setInterval(() => {
    if (proc.ppid !== parent) shutdown(`parent process ${parent} went away`)
  }, options.parentCheckMs ?? 500)
  watch.unref()
  return { dispose: () => clearInterval(watch) }
}
