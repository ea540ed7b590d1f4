import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { stopOnShutdown } from '../../../local/shutdown.ts'

describe(stopOnShutdown.name, () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('stops once on %s, then exits 0', async (signal) => {
    const { proc, stop } = setup()
    proc.emit(signal)
    await vi.runOnlyPendingTimersAsync()
    expect(stop).toHaveBeenCalledTimes(1)
    expect(proc.exit).toHaveBeenCalledWith(0)
  })

  it('stops when the parent process goes away, as when npm is sent SIGTERM', async () => {
    const { proc, stop, progress } = setup()
    await vi.advanceTimersByTimeAsync(1000)
    expect(stop).not.toHaveBeenCalled()
    proc.ppid = 1
    await vi.advanceTimersByTimeAsync(500)
    expect(stop).toHaveBeenCalledTimes(1)
    expect(proc.exit).toHaveBeenCalledWith(0)
    expect(progress).toHaveBeenCalledWith('parent process 4242 went away: stopping')
  })

  it('exits at once on a second signal while stopping', async () => {
    const { proc, stop } = setup({ stop: () => new Promise<void>(() => {}) })
    proc.emit('SIGINT')
    proc.emit('SIGINT')
    expect(stop).toHaveBeenCalledTimes(1)
    expect(proc.exit).toHaveBeenCalledWith(1)
  })

  it('exits 1 when stopping fails', async () => {
    const { proc } = setup({ stop: () => Promise.reject(new Error('DynamoDB Local hung')) })
    proc.emit('SIGTERM')
    await vi.runOnlyPendingTimersAsync()
    expect(proc.exit).toHaveBeenCalledWith(1)
  })

  function setup(input: { stop?: () => Promise<void> } = {}) {
    const proc = Object.assign(new EventEmitter(), { ppid: 4242, exit: vi.fn() })
    const stop = vi.fn(input.stop ?? (() => Promise.resolve()))
    const progress = vi.fn()
    stopOnShutdown(stop, proc, { parentCheckMs: 500, onProgress: progress })
    return { proc, stop, progress }
  }
})
