import { describe, expect, it } from 'vitest'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { ValidationError } from '../../../core/shared/errors.ts'

describe('Quantity', () => {
  it.each([
    ['500m', '500m'],
    ['1', '1'],
    ['1000m', '1'],
    ['2Gi', '2Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['7879752Ki', '7879752Ki'],
    ['7970838142n', '7970838142n'],
    ['1e3', '1e3'],
    ['12e6', '12e6'],
    ['1.5e3', '1500'],
    ['1000', '1k'],
    ['1.5k', '1500'],
    ['110', '110'],
    ['100Mi', '100Mi'],
    ['0', '0'],
    ['0Gi', '0'],
    ['0.5', '500m'],
    ['.5', '500m'],
    ['5.', '5'],
    ['0.5Ki', '512'],
    ['1u', '1u'],
    ['1E', '1E'],
    ['+3', '3'],
    ['-2', '-2'],
    ['1n', '1n'],
    ['0.1n', '1n'],
  ])('formats %s canonically as %s', (input, expected) => {
    expect(Quantity.parse(input).toString()).toBe(expected)
  })

  it.each(['', ' 1', '1 ', 'abc', '1.2.3', '1Ki2', '1KB', '1kb', '--1', 'e3', '1e', '1e3.5', 'NaN', 'Infinity', '1e99', '1i'])(
    'rejects %j with a validation error',
    (input) => {
      expect(() => Quantity.parse(input)).toThrow(ValidationError)
    },
  )

  it('rejects non-strings without NaN', () => {
    expect(() => Quantity.parse(42 as unknown as string)).toThrow(ValidationError)
  })

  it.each([
    ['1', '1000m', 0],
    ['2Gi', '2048Mi', 0],
    ['1Gi', '1G', 1],
    ['500m', '1', -1],
    ['7879752Ki', '8Gi', -1],
    ['1e3', '1k', 0],
  ])('compares %s with %s as %i', (a, b, expected) => {
    expect(Quantity.parse(a).cmp(Quantity.parse(b))).toBe(expected)
  })

  it('adds and subtracts exactly, keeping the receiver format', () => {
    const memory = Quantity.parse('7879752Ki')
    expect(memory.sub(Quantity.parse('1Gi')).toString()).toBe('6831176Ki')
    expect(Quantity.parse('0.1').add(Quantity.parse('0.2')).toString()).toBe('300m')
    expect(Quantity.parse('7970838142n').sub(Quantity.parse('1')).toString()).toBe('6970838142n')
    expect(Quantity.parse('2Gi').sub(Quantity.parse('1Gi')).toString()).toBe('1Gi')
    expect(Quantity.zero().add(Quantity.parse('1Gi')).toString()).toBe('1Gi')
    expect(Quantity.parse('1').sub(Quantity.parse('1500m')).toString()).toBe('-500m')
  })

  it('checks steps from a minimum', () => {
    const min = Quantity.parse('1Gi')
    const step = Quantity.parse('512Mi')
    expect(Quantity.parse('2Gi').isStepFrom(min, step)).toBe(true)
    expect(Quantity.parse('1536Mi').isStepFrom(min, step)).toBe(true)
    expect(Quantity.parse('1100Mi').isStepFrom(min, step)).toBe(false)
    expect(Quantity.parse('3').isStepFrom(Quantity.zero(), Quantity.zero())).toBe(true)
  })

  it('converts to ledger units rounding capacity down and demand up', () => {
    const half = Quantity.parse('1500m')
    expect(half.floorUnits(1_000_000_000n)).toBe(1)
    expect(half.ceilUnits(1_000_000_000n)).toBe(2)
    expect(Quantity.parse('2Gi').floorUnits(1_000_000_000n)).toBe(2 * 1024 ** 3)
  })
})
