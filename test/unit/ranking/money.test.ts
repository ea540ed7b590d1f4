import { describe, expect, it } from 'vitest'
import { formatMicros, formatRate, hourlyRate, parseMicros } from '../../../core/intents/money.ts'

describe('money', () => {
  it.each([
    ['0.04', 40_000n],
    ['10', 10_000_000n],
    ['+1.5', 1_500_000n],
    ['.5', undefined],
    ['0.0000001', 1n],
    ['0.0000000', 0n],
    ['-1', undefined],
    ['1e3', undefined],
    ['1,000', undefined],
    ['', undefined],
  ])('reads %j as %s micro-units', (text, micros) => {
    expect(parseMicros(text)).toBe(micros)
  })

  it('adds amounts without float drift', () => {
    const sum = ['0.1', '0.2'].map((a) => parseMicros(a)!).reduce((a, b) => a + b)
    expect(formatMicros(sum)).toBe('0.3')
    expect(sum).toBe(parseMicros('0.3'))
  })

  it.each([
    [{ amount: '0.04', currency: 'eur', period: 'hourly' }, '0.04', 'EUR'],
    [{ amount: '0.24', currency: 'EUR', period: 'Daily' }, '0.01', 'EUR'],
    [{ amount: '10', currency: 'EUR', period: 'monthly' }, '0.013889', 'EUR'],
    [{ amount: '0.001', currency: 'USD', period: 'per minute' }, '0.06', 'USD'],
  ])('converts %j to %s %s per hour', (price, perHour, currency) => {
    const rate = hourlyRate(price)
    expect(rate.ok && { perHour: formatRate(rate.rate), currency: rate.currency }).toEqual({ perHour, currency })
  })

  it('compares a monthly and an hourly price exactly', () => {
    const monthly = hourlyRate({ amount: '7.2', currency: 'EUR', period: 'monthly' })
    const hourly = hourlyRate({ amount: '0.01', currency: 'EUR', period: 'hourly' })
    expect(monthly.ok && hourly.ok && monthly.rate === hourly.rate).toBe(true)
  })

  it.each([
    [{ amount: 'ten', currency: 'EUR', period: 'hourly' }, 'price amount "ten" is not a decimal amount'],
    [{ amount: '1', currency: 'EUR', period: 'yearly' }, 'price period "yearly" is not one of hourly, daily, monthly, per-minute'],
    [{ amount: '1', currency: 'euro', period: 'hourly' }, 'price currency "euro" is not a 3-letter code'],
  ])('says why %j cannot be read', (price, reason) => {
    expect(hourlyRate(price)).toEqual({ ok: false, reason })
  })
})
