import type { IdGenerator } from '../../core/shared/ports.ts'

export class SequentialIds implements IdGenerator {
  private counter = 0

  next(prefix = ''): string {
    return `${prefix}id-${++this.counter}`
  }

  transactionId(now: Date): string {
    return `${(++this.counter).toString(16).padStart(32, '0')}-${BigInt(now.getTime()) * 1_000_000n}`
  }

  hex(n: number): string {
    return (++this.counter).toString(16).padStart(n, '0').slice(-n)
  }
}
