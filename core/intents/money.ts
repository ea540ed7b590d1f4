import type { Price } from '../flavours/model.ts'

/** Money is held as bigint micro-units (10^-6 of the currency): exact, no float drift. */
export const MICROS_PER_UNIT = 1_000_000n

/**
 * Hourly rates are held as bigint in 1/720 micro-units per hour, so that every supported period
 * converts exactly: a monthly price (30 days = 720 h) is its micro-units as is, a daily one × 30, an
 * hourly one × 720, a per-minute one × 43 200.
 */
export const RATE_SCALE = 720n

const HOURS_PER_PERIOD: Record<string, { per: bigint; label: string }> = {
  minute: { per: 43_200n, label: 'per minute' },
  hour: { per: 720n, label: 'hourly' },
  day: { per: 30n, label: 'daily' },
  month: { per: 1n, label: 'monthly (30 days)' },
}

const PERIOD_ALIASES: Record<string, keyof typeof HOURS_PER_PERIOD> = {
  'per-minute': 'minute',
  perminute: 'minute',
  minute: 'minute',
  minutely: 'minute',
  min: 'minute',
  hourly: 'hour',
  'per-hour': 'hour',
  perhour: 'hour',
  hour: 'hour',
  h: 'hour',
  '1h': 'hour',
  daily: 'day',
  'per-day': 'day',
  perday: 'day',
  day: 'day',
  d: 'day',
  monthly: 'month',
  'per-month': 'month',
  permonth: 'month',
  month: 'month',
}

/** Price periods the ranking converts, as written in flavours (case and spaces ignored). */
export const KNOWN_PERIODS = Object.keys(PERIOD_ALIASES)

const AMOUNT = /^\+?(\d{1,18})(?:\.(\d{1,18}))?$/

/**
 * Parses a non-negative decimal amount ("0.04", "10", "1.5") into micro-units; digits finer than a
 * micro-unit round up (a price is never understated). Undefined for anything else (signs, exponents,
 * thousands separators, more than 18 digits either side).
 */
export function parseMicros(text: string): bigint | undefined {
  const match = AMOUNT.exec(text.trim())
  if (!match) return undefined
  const [, whole = '0', fraction = ''] = match
  const kept = BigInt((fraction + '000000').slice(0, 6))
  const dropped = fraction.length > 6 && /[1-9]/.test(fraction.slice(6)) ? 1n : 0n
  return BigInt(whole) * MICROS_PER_UNIT + kept + dropped
}

/** Micro-units as a decimal string without trailing zeros: 40000n → "0.04", 10000000n → "10". */
export function formatMicros(micros: bigint): string {
  const sign = micros < 0n ? '-' : ''
  const abs = micros < 0n ? -micros : micros
  const whole = abs / MICROS_PER_UNIT
  const fraction = (abs % MICROS_PER_UNIT).toString().padStart(6, '0').replace(/0+$/, '')
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`
}

/** A currency code compared case-insensitively ("eur" is "EUR"). */
export const normaliseCurrency = (currency: string): string => currency.trim().toUpperCase()

export type HourlyRate = { ok: true; rate: bigint; currency: string; period: string } | { ok: false; reason: string }

/** A flavour's price per hour, exactly (in {@link RATE_SCALE} units), or why it cannot be read. */
export function hourlyRate(price: Price): HourlyRate {
  const micros = parseMicros(price.amount)
  if (micros === undefined) return { ok: false, reason: `price amount "${price.amount}" is not a decimal amount` }
  const period = PERIOD_ALIASES[price.period.trim().toLowerCase().replace(/\s+/g, '-')]
  if (!period) return { ok: false, reason: `price period "${price.period}" is not one of hourly, daily, monthly, per-minute` }
  const { per, label } = HOURS_PER_PERIOD[period]!
  const currency = normaliseCurrency(price.currency)
  if (!/^[A-Z]{3}$/.test(currency)) return { ok: false, reason: `price currency "${price.currency}" is not a 3-letter code` }
  return { ok: true, rate: micros * per, currency, period: label }
}

/** A per-hour limit as a rate comparable with {@link hourlyRate}. */
export const limitRate = (micros: bigint): bigint => micros * RATE_SCALE

/** A rate as a per-hour decimal, rounded half up to the micro-unit: 28n (monthly 0.02) → "0.000028". */
export function formatRate(rate: bigint): string {
  return formatMicros((rate + RATE_SCALE / 2n) / RATE_SCALE)
}

/**
 * `numerator / denominator` as a float in [0, 1] for scores only, computed from the exact ratio
 * (to 10^-12) so that large rates lose nothing before the division.
 */
export function ratio(numerator: bigint, denominator: bigint): number {
  if (denominator <= 0n) return 1
  const scaled = (numerator * 1_000_000_000_000n) / denominator
  return Math.min(1, Math.max(0, Number(scaled) / 1e12))
}
