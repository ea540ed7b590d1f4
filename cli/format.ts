/** Plain-text rendering shared by the commands: tables and small value helpers. */

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A field of an untyped answer as text ('' when absent), for display only. */
export function text(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** Walks a path of keys through an untyped answer. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value
  for (const key of path) {
    if (!isRecord(current)) return undefined
    current = current[key]
  }
  return current
}

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/** Left-aligned columns separated by two spaces; the header row first. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

/** A route as the chain walks it; an empty route is the participant itself. */
export const route = (value: unknown): string => {
  const hops = list(value).map(text)
  return hops.length === 0 ? '(local)' : hops.join(' → ')
}

/** One line of what a wire flavour offers: `2 CPU, 4Gi, 10 pods, 1× A100` or `database [postgres]`. */
export function flavourSummary(flavor: unknown): string {
  const type = text(at(flavor, 'type', 'name'))
  const data = at(flavor, 'type', 'data')
  if (type === 'k8slice') {
    const c = at(data, 'charateristics')
    const parts = [`${text(at(c, 'cpu'))} CPU`, text(at(c, 'memory')), `${text(at(c, 'pods'))} pods`]
    const gpu = at(c, 'gpu')
    if (isRecord(gpu) && text(gpu.cores) !== '' && text(gpu.cores) !== '0') parts.push(`${text(gpu.cores)}× ${text(gpu.model)}`)
    const storage = text(at(c, 'storage'))
    if (storage) parts.push(`${storage} storage`)
    const arch = text(at(c, 'architecture'))
    return `${arch ? `${arch} ` : ''}${parts.join(', ')}`
  }
  if (type === 'service') {
    const tags = list(at(data, 'tags')).map(text)
    return `${text(at(data, 'category'))}${tags.length ? ` [${tags.join(', ')}]` : ''}`
  }
  return type
}

export const price = (flavor: unknown): string => {
  const amount = text(at(flavor, 'price', 'amount'))
  if (!amount) return ''
  const period = text(at(flavor, 'price', 'period'))
  return `${amount} ${text(at(flavor, 'price', 'currency'))}${period ? `/${period}` : ''}`
}

export const country = (flavor: unknown): string => text(at(flavor, 'location', 'altitude'))
