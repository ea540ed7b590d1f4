import type { Clock } from '../../core/shared/ports.ts'

export class FakeClock implements Clock {
  private current: number
  readonly sleeps: number[] = []

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime()
  }

  now(): Date {
    return new Date(this.current)
  }

  advance(ms: number): void {
    this.current += ms
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
  }
}
