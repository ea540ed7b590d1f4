import { ValidationError } from '../shared/errors.ts'

/** How a quantity was written; Kubernetes keeps it through arithmetic and formats canonically within it. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent'

const NANO = 1_000_000_000n
const MAX_EXPONENT = 30
const MAX_DIGITS = 60

const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const
const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }
const DECIMAL_SUFFIX_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([suffix, exp]) => [exp, suffix]))

const GRAMMAR = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/

/**
 * A Kubernetes `resource.Quantity`, held exactly as an integer number of nano-units (10^-9) plus its
 * format. Values finer than a nano-unit round up, as Kubernetes does. Immutable.
 */
export class Quantity {
  private constructor(
    readonly nanos: bigint,
    readonly format: QuantityFormat,
  ) {}

  static parse(text: string, what = 'quantity'): Quantity {
    if (typeof text !== 'string') throw new ValidationError(`${what} must be a quantity string`)
    const match = GRAMMAR.exec(text)
    if (!match) throw new ValidationError(`${what} "${text}" is not a valid Kubernetes quantity`, { code: 'INVALID_QUANTITY' })
    const [, sign = '', number = '', suffix = ''] = match
    const [whole = '', fraction = ''] = number.split('.')
    if (whole.length + fraction.length > MAX_DIGITS) {
      throw new ValidationError(`${what} "${text}" has too many digits`, { code: 'INVALID_QUANTITY' })
    }
    const mantissa = BigInt(`${whole}${fraction}` || '0')
    let numerator = mantissa * NANO
    let denominator = 10n ** BigInt(fraction.length)
    let format: QuantityFormat = 'DecimalSI'
    if (suffix.endsWith('i')) {
      format = 'BinarySI'
      numerator *= 1024n ** BigInt(BINARY_SUFFIXES.indexOf(suffix as (typeof BINARY_SUFFIXES)[number]))
    } else {
      let exponent: number
      if (/^[eE]./.test(suffix)) {
        format = 'DecimalExponent'
        exponent = Number(suffix.slice(1))
      } else {
        exponent = DECIMAL_SUFFIXES[suffix] ?? 0
      }
      if (exponent > MAX_EXPONENT) throw new ValidationError(`${what} "${text}" is too large`, { code: 'INVALID_QUANTITY' })
      if (exponent >= 0) numerator *= 10n ** BigInt(exponent)
      else denominator *= 10n ** BigInt(Math.min(-exponent, MAX_EXPONENT + 9))
    }
    const nanos = ceilDiv(numerator, denominator)
    return new Quantity(sign === '-' ? -nanos : nanos, format)
  }

  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, format)
  }

  static fromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(nanos, format)
  }

  /** Kubernetes keeps the receiver's format, unless the receiver is zero. */
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.nanos === 0n ? other.format : this.format)
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.nanos === 0n ? other.format : this.format)
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos < other.nanos ? -1 : this.nanos > other.nanos ? 1 : 0
  }

  isZero(): boolean {
    return this.nanos === 0n
  }

  isNegative(): boolean {
    return this.nanos < 0n
  }

  /** True when `(this - min)` is a whole multiple of `step` (a zero step allows anything). */
  isStepFrom(min: Quantity, step: Quantity): boolean {
    if (step.nanos <= 0n) return true
    return (this.nanos - min.nanos) % step.nanos === 0n
  }

  /** Whole base units (10^scale nano-units each), rounded down: for capacity that must not be overstated. */
  floorUnits(nanosPerUnit: bigint): number {
    return toSafeNumber(floorDiv(this.nanos, nanosPerUnit))
  }

  /** Whole base units, rounded up: for demand that must not be understated. */
  ceilUnits(nanosPerUnit: bigint): number {
    return toSafeNumber(ceilDiv(this.nanos, nanosPerUnit))
  }

  /** The canonical string the Go node sends, e.g. `1000m` → `1`, `1024Mi` → `1Gi`. */
  toString(): string {
    if (this.nanos === 0n) return '0'
    const sign = this.nanos < 0n ? '-' : ''
    const abs = this.nanos < 0n ? -this.nanos : this.nanos
    if (this.format === 'BinarySI' && abs % NANO === 0n && abs >= 1024n * NANO) {
      return sign + formatBinary(abs / NANO)
    }
    return sign + formatDecimal(abs, this.format === 'DecimalExponent')
  }

  toJSON(): string {
    return this.toString()
  }
}

function formatBinary(value: bigint): string {
  let power = 0
  while (power < BINARY_SUFFIXES.length - 1 && value % 1024n === 0n) {
    value /= 1024n
    power++
  }
  return `${value}${BINARY_SUFFIXES[power]}`
}

function formatDecimal(nanos: bigint, exponentForm: boolean): string {
  let exponent = -9
  let mantissa = nanos
  while (exponent < 18 && mantissa % 1000n === 0n) {
    mantissa /= 1000n
    exponent += 3
  }
  if (exponentForm) return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`
  return `${mantissa}${DECIMAL_SUFFIX_BY_EXPONENT.get(exponent) ?? ''}`
}

/** a ÷ b rounded up (towards +∞), for b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b === 0n || a < 0n ? q : q + 1n
}

/** a ÷ b rounded down (towards −∞), for b > 0. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b === 0n || a >= 0n ? q : q - 1n
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ValidationError('quantity exceeds the supported range', { code: 'INVALID_QUANTITY' })
  }
  return Number(value)
}

export const maxQuantity = (a: Quantity, b: Quantity): Quantity => (a.cmp(b) >= 0 ? a : b)
