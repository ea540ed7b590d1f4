import { ValidationError } from '../shared/errors.ts'

/**
 * Keyset position in the index order: (price ascending, flavour id ascending, row key ascending).
 * `key` breaks ties between rows of one flavour id (a flavour learnt under two keys); a cursor without
 * it stands after every row of its (price, id).
 */
export interface IndexCursor {
  price: number
  id: string
  key?: string
}

/** The order of the index: price, then flavour id, then row key (UTF-16 code unit order, as `<` on strings). */
export function compareRows(priceA: number, idA: string, keyA: string, priceB: number, idB: string, keyB: string): number {
  if (priceA < priceB) return -1
  if (priceA > priceB) return 1
  if (idA < idB) return -1
  if (idA > idB) return 1
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0
}

/** Whether a row comes strictly after `cursor` in the index order. */
export function isAfter(price: number, id: string, key: string, cursor: IndexCursor): boolean {
  if (price !== cursor.price) return price > cursor.price
  if (id !== cursor.id) return id > cursor.id
  return cursor.key !== undefined && key > cursor.key
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

const MAX_CURSOR_LENGTH = 4096

/** An opaque, URL-safe text for a cursor, to hand to clients as `cursor=` (prices of ±Infinity survive). */
export function encodeIndexCursor(cursor: IndexCursor): string {
  const price = Number.isFinite(cursor.price) ? cursor.price : String(cursor.price)
  return toBase64Url(encoder.encode(JSON.stringify(cursor.key === undefined ? [price, cursor.id] : [price, cursor.id, cursor.key])))
}

/** Reads a client's `cursor=`; anything this module did not write is a 400 (`INVALID_CURSOR`). */
export function decodeIndexCursor(text: string): IndexCursor {
  const invalid = (cause?: unknown) =>
    new ValidationError('cursor is not one this server issued', { code: 'INVALID_CURSOR', details: { parameter: 'cursor' }, cause })
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalid()
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(fromBase64Url(text)))
  } catch (error) {
    throw invalid(error)
  }
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) throw invalid()
  const [rawPrice, id, key] = value as unknown[]
  const price = rawPrice === 'Infinity' ? Infinity : rawPrice === '-Infinity' ? -Infinity : rawPrice
  if (typeof price !== 'number' || Number.isNaN(price) || typeof id !== 'string') throw invalid()
  if (value.length === 3 && typeof key !== 'string') throw invalid()
  return value.length === 3 ? { price, id, key: key as string } : { price, id }
}
