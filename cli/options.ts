import { InvalidArgumentError } from '@commander-js/extra-typings'

/** A commander argument parser for a whole number within bounds; anything else is a usage error. */
export const intIn =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value)
    if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`)
    return n
  }

/** An id for a path segment, bounded like the participant's ids (1–256 of letters, digits and `._:@+=~-`). */
export function idArgument(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:@+=~-]{0,255}$/.test(value)) throw new InvalidArgumentError('expected an id: 1 to 256 letters, digits and ._:@+=~- starting with a letter or digit')
  return value
}

export const FLAVOUR_TYPES = ['k8slice', 'service'] as const

/**
 * One `--filter` of the selector grammar, written short: `architecture=amd64` (match),
 * `cpu>=2` (range min), `memory<=8Gi` (range max); `tags=postgres` for services.
 */
export function selectorFilter(value: string, previous: [string, string][] = []): [string, string][] {
  const match = /^([A-Za-z]+)\s*(>=|<=|=)\s*(.+)$/.exec(value)
  if (!match) throw new InvalidArgumentError('expected key=value, key>=min or key<=max (e.g. cpu>=2, architecture=amd64)')
  const [, key, op, operand] = match as unknown as [string, string, string, string]
  const name = op === '=' ? `filter[${key}][match]` : `filter[${key}][range][${op === '>=' ? 'min' : 'max'}]`
  return [...previous, [name, operand.trim()]]
}
