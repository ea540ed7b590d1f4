import type { K8SliceFlavour } from '../../core/flavours/model.ts'

/** Where scans go: the current flavours of the cluster, and the ids published before that are gone. */
export type PublishFlavours = (flavours: K8SliceFlavour[], withdrawn: string[]) => Promise<void>

/** The timers a rescan waits on; injected so tests move time by hand. */
export interface RescanTimers {
  setTimeout(run: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** What a rescan reads and where it publishes; `onError` hears failures, which are retried rather than thrown. */
export interface DebouncedRescanOptions {
  debounceMs: number
  scan: () => K8SliceFlavour[]
  publish: PublishFlavours
  onError: (error: unknown) => void
  timers?: RescanTimers
}

const realTimers: RescanTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** A flavour's content without its scan time, so an unchanged node is not republished. */
const fingerprint = (flavours: readonly K8SliceFlavour[]): string => JSON.stringify(flavours.map(({ createdAt: _createdAt, ...rest }) => rest))

/**
 * Turns a stream of cluster changes into few publications: the first change arms a timer, later
 * ones join it, and `debounceMs` after the first the cluster is scanned and published. So a busy
 * cluster is published at least every `debounceMs`, never starved by churn, and never twice at once.
 * An unchanged set is not published; a failed publication is reported and retried after `debounceMs`.
 */
export class DebouncedRescan {
  private readonly timers: RescanTimers
  private timer: unknown
  private running: Promise<void> | undefined
  private dirty = false
  private stopped = false
  private published = new Set<string>()
  private lastFingerprint: string | undefined

  constructor(private readonly options: DebouncedRescanOptions) {
    this.timers = options.timers ?? realTimers
  }

  /** Something the scan reads has changed. */
  changed(): void {
    if (this.stopped) return
    this.dirty = true
    if (this.timer === undefined && !this.running) this.arm()
  }

  /** Scans and publishes now (at start, once the informers have listed), after any publication under way. */
  async flush(): Promise<void> {
    if (this.running) await this.running
    this.cancel()
    this.dirty = true
    await this.run()
  }

  stop(): void {
    this.stopped = true
    this.cancel()
  }

  private arm(): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined
      void this.run()
    }, this.options.debounceMs)
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer)
    this.timer = undefined
  }

  private run(): Promise<void> {
    this.running = this.publishOnce().finally(() => {
      this.running = undefined
      if (this.dirty && !this.stopped && this.timer === undefined) this.arm()
    })
    return this.running
  }

  private async publishOnce(): Promise<void> {
    if (this.stopped) return
    this.dirty = false
    try {
      const flavours = this.options.scan()
      const print = fingerprint(flavours)
      if (print === this.lastFingerprint) return
      const ids = new Set(flavours.map((flavour) => flavour.id))
      await this.options.publish(flavours, [...this.published].filter((id) => !ids.has(id)))
      this.published = ids
      this.lastFingerprint = print
    } catch (error) {
      this.dirty = true
      this.options.onError(error)
    }
  }
}
