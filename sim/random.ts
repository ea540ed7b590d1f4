import { seededRandom } from '../test/support/seeded-random.ts'

/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same federation, latencies and
 * failures, so a simulation can be repeated exactly.
 */
export class SeededRandom {
  /** A float in [0, 1). */
  readonly next: () => number

  constructor(seed: number) {
    this.next = seededRandom(seed >>> 0 || 0x9e3779b9)
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min)
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)]!
  }

  /** `count` distinct items, in the order drawn. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items]
    const drawn: T[] = []
    while (drawn.length < count && pool.length > 0) drawn.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]!)
    return drawn
  }

  /** A new independent source derived from this one (one per concern, so adding draws in one leaves the others alone). */
  fork(): SeededRandom {
    return new SeededRandom(Math.floor(this.next() * 4294967296))
  }
}
