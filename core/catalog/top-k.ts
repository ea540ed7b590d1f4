/**
 * The `k` best of a stream of row slots under `compare` (negative = better), kept in a bounded
 * max-heap: O(n log k) for n candidates instead of sorting them all. `k` may be Infinity.
 */
export class TopK {
  private readonly heap: number[] = []

  constructor(
    private readonly k: number,
    private readonly compare: (a: number, b: number) => number,
  ) {}

  /** Whether k slots are held (so a slot must beat `worst` to get in). */
  get full(): boolean {
    return this.heap.length >= this.k
  }

  get isEmpty(): boolean {
    return this.heap.length === 0
  }

  /** The worst slot held (meaningful once `full`). */
  get worst(): number {
    return this.heap[0]!
  }

  offer(slot: number): void {
    const heap = this.heap
    if (heap.length < this.k) {
      heap.push(slot)
      if (Number.isFinite(this.k)) this.siftUp(heap.length - 1)
    } else if (this.k > 0 && this.compare(slot, heap[0]!) < 0) {
      heap[0] = slot
      this.siftDown(0)
    }
  }

  /** The kept slots, best first. */
  sorted(): number[] {
    return this.heap.slice().sort(this.compare)
  }

  private siftUp(at: number): void {
    const heap = this.heap
    const item = heap[at]!
    while (at > 0) {
      const parent = (at - 1) >> 1
      if (this.compare(heap[parent]!, item) >= 0) break
      heap[at] = heap[parent]!
      at = parent
    }
    heap[at] = item
  }

  private siftDown(at: number): void {
    const heap = this.heap
    const size = heap.length
    const item = heap[at]!
    for (;;) {
      let child = 2 * at + 1
      if (child >= size) break
      if (child + 1 < size && this.compare(heap[child + 1]!, heap[child]!) > 0) child++
      if (this.compare(heap[child]!, item) <= 0) break
      heap[at] = heap[child]!
      at = child
    }
    heap[at] = item
  }
}
