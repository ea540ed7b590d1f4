/**
 * Row key → slot, as an open-addressing hash table in one Int32Array (slot + 1 per bucket, 0 = empty;
 * linear probing, backward-shift deletion, at most half full). Unlike a Map it is raw bytes, so a
 * snapshot carries it and a cold load does not rebuild a million entries. Keys themselves stay in
 * the caller's key column: `keyOf(slot)`.
 */
export class KeyTable {
  private constructor(
    private buckets: Int32Array,
    private count: number,
  ) {}

  static empty(capacity = 1024): KeyTable {
    return new KeyTable(new Int32Array(capacity), 0)
  }

  /** A table over `buckets` (a power-of-two length) holding `count` keys, as `toBuckets` gave it. */
  static fromBuckets(buckets: Int32Array, count: number): KeyTable {
    return new KeyTable(buckets, count)
  }

  /** A table of the keys of `slots`, each `keyOf(slot)` distinct. */
  static of(slots: Iterable<number>, size: number, keyOf: (slot: number) => string): KeyTable {
    const table = new KeyTable(new Int32Array(capacityFor(size)), 0)
    for (const slot of slots) table.insert(keyOf(slot), slot)
    return table
  }

  copy(): KeyTable {
    return new KeyTable(this.buckets.slice(), this.count)
  }

  get size(): number {
    return this.count
  }

  toBuckets(): Int32Array {
    return this.buckets
  }

  /** The slot of `key`, or -1. */
  get(key: string, keyOf: (slot: number) => string): number {
    const buckets = this.buckets
    const mask = buckets.length - 1
    for (let at = hash(key) & mask; ; at = (at + 1) & mask) {
      const entry = buckets[at]!
      if (entry === 0) return -1
      if (keyOf(entry - 1) === key) return entry - 1
    }
  }

  /** Adds `key` (not present) at `slot`. */
  set(key: string, slot: number, keyOf: (slot: number) => string): void {
    if ((this.count + 1) * 2 > this.buckets.length) this.rehash(this.buckets.length * 2, keyOf)
    this.insert(key, slot)
  }

  /** Removes `key`; a no-op if absent. */
  delete(key: string, keyOf: (slot: number) => string): void {
    const buckets = this.buckets
    const mask = buckets.length - 1
    let at = hash(key) & mask
    for (; ; at = (at + 1) & mask) {
      const entry = buckets[at]!
      if (entry === 0) return
      if (keyOf(entry - 1) === key) break
    }
    this.count--
    for (let next = (at + 1) & mask; ; next = (next + 1) & mask) {
      const entry = buckets[next]!
      if (entry === 0) break
      const home = hash(keyOf(entry - 1)) & mask
      if (((next - home) & mask) >= ((next - at) & mask)) {
        buckets[at] = entry
        at = next
      }
    }
    buckets[at] = 0
  }

  private insert(key: string, slot: number): void {
    const buckets = this.buckets
    const mask = buckets.length - 1
    let at = hash(key) & mask
    while (buckets[at] !== 0) at = (at + 1) & mask
    buckets[at] = slot + 1
    this.count++
  }

  private rehash(capacity: number, keyOf: (slot: number) => string): void {
    const old = this.buckets
    this.buckets = new Int32Array(capacity)
    this.count = 0
    for (const entry of old) if (entry !== 0) this.insert(keyOf(entry - 1), entry - 1)
  }
}

/** Buckets for `size` keys: a power of two, at most half full. */
export function capacityFor(size: number): number {
  let capacity = 1024
  while (capacity < size * 2) capacity *= 2
  return capacity
}

/** FNV-1a over UTF-16 code units, then a final avalanche: stable across runs, so snapshots keep working. */
export function hash(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return h >>> 0
}
