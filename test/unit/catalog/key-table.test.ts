import { describe, expect, it } from 'vitest'
import { KeyTable } from '../../../core/catalog/key-table.ts'
import { seededRandom } from '../../support/seeded-random.ts'

describe(KeyTable.name, () => {
  it('agrees with a Map through thousands of seeded inserts and deletes, across growth', () => {
    const random = seededRandom(3)
    const { table, keys, keyOf } = setup()
    const model = new Map<string, number>()
    const free: number[] = []
    for (let step = 0; step < 20_000; step++) {
      const key = `k${Math.floor(random() * 3000)}`
      if (random() < 0.4) {
        const slot = model.get(key)
        table.delete(key, keyOf)
        if (slot !== undefined) {
          model.delete(key)
          keys[slot] = ''
          free.push(slot)
        }
      } else if (!model.has(key)) {
        const slot = free.pop() ?? keys.length
        keys[slot] = key
        table.set(key, slot, keyOf)
        model.set(key, slot)
      }
      expect(table.get(key, keyOf)).toBe(model.get(key) ?? -1)
    }
    expect(table.size).toBe(model.size)
    for (const [key, slot] of model) expect(table.get(key, keyOf)).toBe(slot)
    const copy = KeyTable.fromBuckets(table.toBuckets().slice(), table.size)
    for (const [key, slot] of model) expect(copy.get(key, keyOf)).toBe(slot)
    expect(copy.get('never', keyOf)).toBe(-1)
  })

  function setup() {
    const keys: string[] = []
    return { table: KeyTable.empty(16), keys, keyOf: (slot: number) => keys[slot]! }
  }
})
