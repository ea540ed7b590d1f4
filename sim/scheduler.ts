import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { FakeClock } from '../test/support/fake-clock.ts'

interface Timer {
  at: number
  seq: number
  run: () => void
  cancelled: boolean
}

/** A pending timer; cancelling it keeps virtual time from jumping to it. */
export interface Scheduled {
  cancel(): void
}

/**
 * A discrete-event scheduler in virtual time. It drives the federation's one clock: every event runs at
 * its instant, after all the work the previous event started (in-memory promises only) has settled, so
 * a network latency of 50 ms costs no real time and the same seed replays the same interleaving.
 */
export class Scheduler {
  private readonly queue: Timer[] = []
  private seq = 0
  /** Events run so far. */
  events = 0

  constructor(readonly clock: FakeClock) {}

  get now(): number {
    return this.clock.now().getTime()
  }

  /** Runs `run` `delayMs` from now (0: after what is already due now). */
  after(delayMs: number, run: () => void): Scheduled {
    const timer: Timer = { at: this.now + Math.max(0, delayMs), seq: this.seq++, run, cancelled: false }
    this.push(timer)
    return { cancel: () => void (timer.cancelled = true) }
  }

  /** Resolves `delayMs` from now in virtual time. */
  delay(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.after(delayMs, resolve))
  }

  /** Events still waiting, cancelled ones aside. */
  get pending(): number {
    return this.queue.filter((t) => !t.cancelled).length
  }

  /**
   * Runs events in time order until `done()` holds (checked once the work in flight has settled), no
   * event is left, or the next one lies beyond `deadline` (virtual ms since the epoch). Returns whether `done()` held.
   */
  async runUntil(done: () => boolean | Promise<boolean>, deadline = Infinity): Promise<boolean> {
    for (;;) {
      await yieldToEventLoop()
      if (await done()) return true
      const next = this.pop()
      if (!next) return false
      if (next.at > deadline) {
        this.push(next)
        return false
      }
      if (next.at > this.now) this.clock.advance(next.at - this.now)
      this.events++
      next.run()
    }
  }

  /** Runs every event left, stopping after `limit` (a guard against a loop that never ends). */
  async runIdle(limit = 1_000_000): Promise<void> {
    const start = this.events
    await this.runUntil(() => this.events - start >= limit)
  }

  private push(timer: Timer): void {
    const q = this.queue
    q.push(timer)
    let i = q.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(q[i]!, q[parent]!)) break
      ;[q[i], q[parent]] = [q[parent]!, q[i]!]
      i = parent
    }
  }

  private pop(): Timer | undefined {
    const q = this.queue
    while (q.length > 0) {
      const top = q[0]!
      const last = q.pop()!
      if (q.length > 0) {
        q[0] = last
        let i = 0
        for (;;) {
          const [l, r] = [2 * i + 1, 2 * i + 2]
          let m = i
          if (l < q.length && before(q[l]!, q[m]!)) m = l
          if (r < q.length && before(q[r]!, q[m]!)) m = r
          if (m === i) break
          ;[q[i], q[m]] = [q[m]!, q[i]!]
          i = m
        }
      }
      if (!top.cancelled) return top
    }
    return undefined
  }
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq)
