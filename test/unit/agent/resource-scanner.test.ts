import { describe, expect, it } from 'vitest'
import type { RescanTimers } from '../../../agent/scan/debounced-rescan.ts'
import { DebouncedRescan } from '../../../agent/scan/debounced-rescan.ts'
import type { K8SliceFlavour } from '../../../core/flavours/model.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { aK8SliceFlavour } from '../../support/factories.ts'

describe(DebouncedRescan.name, () => {
  describe('changes', () => {
    it('are published once, debounceMs after the first of them, with the current set', async () => {
      const { rescan, timers, published, offer } = setup()
      offer('a', 'b')
      rescan.changed()
      await timers.advance(1000)
      rescan.changed()
      rescan.changed()
      await timers.advance(999)
      expect(published).toEqual([])
      await timers.advance(1)
      expect(published).toEqual([{ ids: ['a', 'b'], withdrawn: [] }])
    })

    it('withdraw the ids published before and missing now', async () => {
      const { rescan, timers, published, offer } = setup()
      offer('a', 'b')
      await rescan.flush()
      offer('b', 'c')
      rescan.changed()
      await timers.advance(2000)
      expect(published).toEqual([
        { ids: ['a', 'b'], withdrawn: [] },
        { ids: ['b', 'c'], withdrawn: ['a'] },
      ])
    })

    it('that leave the flavours as they were publish nothing, though the scan time moved', async () => {
      const { rescan, timers, published, offer } = setup()
      offer('a')
      await rescan.flush()
      offer('a')
      rescan.changed()
      await timers.advance(2000)
      expect(published).toHaveLength(1)
    })

    it('that change a flavour publish it again', async () => {
      const { rescan, timers, published, offer } = setup()
      offer('a')
      await rescan.flush()
      offer({ id: 'a', cpu: '4' })
      rescan.changed()
      await timers.advance(2000)
      expect(published.map((p) => p.ids)).toEqual([['a'], ['a']])
    })

    it('arriving while a publication is under way are published after it, never alongside', async () => {
      const { rescan, timers, published, offer, hold, started } = setup()
      const release = hold()
      offer('a')
      rescan.changed()
      await timers.advance(2000)
      offer('a', 'b')
      rescan.changed()
      await timers.advance(2000)
      expect([started(), published.length]).toEqual([1, 0])
      release()
      await timers.advance(0)
      await timers.advance(2000)
      expect(published.map((p) => p.ids)).toEqual([['a'], ['a', 'b']])
    })
  })

  describe('a publication that fails', () => {
    it('is reported and retried debounceMs later with the same withdrawals', async () => {
      const { rescan, timers, published, offer, failNext, errors } = setup()
      offer('a')
      await rescan.flush()
      offer()
      failNext()
      rescan.changed()
      await timers.advance(2000)
      expect(errors).toEqual(['participant unreachable'])
      await timers.advance(2000)
      expect(published).toEqual([
        { ids: ['a'], withdrawn: [] },
        { ids: [], withdrawn: ['a'] },
      ])
    })
  })

  describe('a scan that throws', () => {
    it('is reported and publishes nothing', async () => {
      const { rescan, timers, published, errors, breakScan } = setup()
      breakScan()
      rescan.changed()
      await timers.advance(2000)
      expect(published).toEqual([])
      expect(errors).toEqual(['scan failed'])
    })
  })

  describe('stop', () => {
    it('cancels a pending publication', async () => {
      const { rescan, timers, published, offer } = setup()
      offer('a')
      rescan.changed()
      rescan.stop()
      await timers.advance(5000)
      rescan.changed()
      await timers.advance(5000)
      expect(published).toEqual([])
      expect(timers.pending()).toBe(0)
    })
  })

  function setup() {
    const timers = new ManualTimers()
    const published: { ids: string[]; withdrawn: string[] }[] = []
    const errors: string[] = []
    let current: K8SliceFlavour[] = []
    let failures = 0
    let gate: Promise<void> | undefined
    let scanBroken = false
    let calls = 0
    let scans = 0
    const rescan = new DebouncedRescan({
      debounceMs: 2000,
      timers,
      scan: () => {
        if (scanBroken) throw new Error('scan failed')
        return current
      },
      publish: async (flavours, withdrawn) => {
        calls++
        if (gate) await gate
        if (failures > 0) {
          failures--
          throw new Error('participant unreachable')
        }
        published.push({ ids: flavours.map((f) => f.id), withdrawn })
      },
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    })
    const offer = (...items: (string | { id: string; cpu: string })[]) => {
      current = items.map((item) => {
        const { id, cpu } = typeof item === 'string' ? { id: item, cpu: '8' } : item
        const flavour = aK8SliceFlavour({ id })
        return { ...flavour, createdAt: new Date(++scans), spec: { ...flavour.spec, characteristics: { ...flavour.spec.characteristics, cpu: Quantity.parse(cpu) } } }
      })
    }
    const hold = () => {
      let release!: () => void
      gate = new Promise((resolve) => (release = resolve))
      return () => {
        gate = undefined
        release()
      }
    }
    return { rescan, timers, published, errors, offer, hold, failNext: () => (failures = 1), breakScan: () => (scanBroken = true), started: () => calls }
  }
})

class ManualTimers implements RescanTimers {
  private now = 0
  private nextId = 1
  private readonly queue = new Map<number, { at: number; run: () => void }>()

  setTimeout(run: () => void, ms: number): number {
    const id = this.nextId++
    this.queue.set(id, { at: this.now + ms, run })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.queue.delete(handle as number)
  }

  pending(): number {
    return this.queue.size
  }

  async advance(ms: number): Promise<void> {
    const until = this.now + ms
    for (;;) {
      await settle()
      const due = [...this.queue.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      this.queue.delete(due[0])
      this.now = due[1].at
      due[1].run()
    }
    this.now = until
    await settle()
  }
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}
