import { describe, expect, it } from 'vitest'
import { decodeIndexCursor, encodeIndexCursor } from '../../../core/catalog/flavour-index.ts'
import type { IndexCursor } from '../../../core/catalog/flavour-index.ts'
import { ValidationError } from '../../../core/shared/errors.ts'

describe('index cursors', () => {
  it.each<IndexCursor>([
    { price: 0.04, id: 'provider.local-k8slice-0001', key: 'pool-1' },
    { price: Infinity, id: 'no-price' },
    { price: -1.5, id: 'é ∑ 😀', key: '' },
  ])('round-trip %j through URL-safe text', (cursor) => {
    const text = encodeIndexCursor(cursor)
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeIndexCursor(text)).toEqual(cursor)
  })

  it.each(['', 'not base64!', 'e30', encodeIndexCursor({ price: 1, id: 'x' }).slice(0, -2), 'WzEsMl0', 'WyJOYU4iLCJ4Il0', 'A'.repeat(5000)])(
    'refuses %j as a coded 400',
    (text) => {
      expect(() => decodeIndexCursor(text)).toThrow(ValidationError)
      try {
        decodeIndexCursor(text)
      } catch (error) {
        expect((error as ValidationError).code).toBe('INVALID_CURSOR')
      }
    },
  )
})
