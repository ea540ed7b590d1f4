import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { flavourFromWire } from '../../../core/wire/flavour-codec.ts'
import { reserveRequestFromWire } from '../../../core/wire/reservation-codec.ts'
import {
  decodeWith,
  jsonValue,
  MAX_ID_LENGTH,
  MAX_JSON_BYTES,
  MAX_JSON_DEPTH,
  quantityString,
  timestampString,
  wireId,
  wireObject,
} from '../../../core/wire/wire-object.ts'

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/wire/${name}`, import.meta.url), 'utf8'))

const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)])

describe('wire bounds', () => {
  it('accepts every id a FLUIDOS Go node makes', () => {
    const ids = ['fluidos.eu-k8slice-7f3a', '46ltws9per', '14461b0e-446d-4b05-b1f8-9ddb6765ac02', `${'ab'.repeat(16)}-1731405946000000000`, 'contract-fluidos-eu-k8slice-7f3a-1a2b3c4d']
    for (const id of ids) expect(wireId.safeParse(id).success).toBe(true)
  })

  it.each([
    ['empty', ''],
    ['too long', 'a'.repeat(MAX_ID_LENGTH + 1)],
    ['with a key separator', 'a#b'],
    ['with a slash', 'a/b'],
    ['a dot segment', '..'],
    ['with a space', 'a b'],
    ['with a control character', 'a\u0000b'],
    ['not ASCII', 'flavour-é'],
  ])('refuses an id %s', (_what, id) => {
    expect(wireId.safeParse(id).success).toBe(false)
  })

  it('accepts an id of exactly the bound', () => {
    expect(wireId.safeParse('a'.repeat(MAX_ID_LENGTH)).success).toBe(true)
  })

  it('still decodes the golden Go flavours and reservation', () => {
    expect(flavourFromWire(fixture('go-k8slice-flavor.json')).id).toBe('fluidos.eu-k8slice-7f3a')
    expect(flavourFromWire(fixture('go-service-flavor.json')).spec.type).toBe('service')
    expect(reserveRequestFromWire(fixture('go-reserve-request.json')).flavourId).toBe('fluidos.eu-k8slice-7f3a')
  })

  it('accepts free-form JSON nested exactly to the bound and refuses one level more, naming where', () => {
    const schema = z.object({ data: jsonValue() })
    expect(schema.safeParse({ data: nested(MAX_JSON_DEPTH) }).success).toBe(true)
    expect(() => decodeWith(schema, { data: nested(MAX_JSON_DEPTH + 1) }, 'thing')).toThrow(/data\.0\.0\.0.*nests deeper than 16 levels/)
  })

  it('refuses free-form JSON larger than the byte bound', () => {
    const big = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'x'.repeat(2_000)]))
    expect(JSON.stringify(big).length).toBeGreaterThan(MAX_JSON_BYTES)
    expect(() => decodeWith(z.object({ data: jsonValue() }), { data: big }, 'thing')).toThrow(/data: must be at most 32768 bytes/)
  })

  it('keeps numbers DynamoDB cannot store out of values stored as maps only', () => {
    expect(jsonValue().safeParse({ n: 1e200 }).success).toBe(true)
    expect(jsonValue({ dynamoNumbers: true }).safeParse({ n: 1e200 }).success).toBe(false)
    expect(jsonValue({ dynamoNumbers: true }).safeParse({ n: 0.5, m: 0, k: -42 }).success).toBe(true)
  })

  it('refuses a lone surrogate in free-form text', () => {
    expect(jsonValue().safeParse({ s: 'a\ud800' }).success).toBe(false)
  })

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key in a wire object, even a tolerant one', (key) => {
    const schema = wireObject({ name: z.string() })
    expect(() => decodeWith(schema, JSON.parse(`{"name": "x", "${key}": {"name": "y"}}`), 'thing')).toThrow(new RegExp(`${key}: is not an allowed key`))
  })

  it('names an unknown key itself rather than its object', () => {
    const schema = wireObject({ inner: wireObject({ name: z.string() }, { strict: true }) })
    expect(() => decodeWith(schema, { inner: { name: 'x', nmae: 'y' } }, 'thing')).toThrow(/inner\.nmae/)
  })

  it.each(['-1', '-500m', '1e400', 'NaN', '0x10', '9'.repeat(65)])('refuses the quantity %s', (text) => {
    expect(quantityString.safeParse(text).success).toBe(false)
  })

  it.each(['2024-11-12T10:05:46Z', '2026-01-01T00:00:00.000Z', '2024-11-12T10:05:46.123456789+01:00'])('accepts the RFC 3339 time %s', (text) => {
    expect(timestampString.safeParse(text).success).toBe(true)
  })

  it.each(['-1', '1', 'March 7, 2024', '2024-13-45T99:99:99Z', ''])('refuses %j, which JavaScript alone might read as a date', (text) => {
    expect(timestampString.safeParse(text).success).toBe(false)
  })
})
