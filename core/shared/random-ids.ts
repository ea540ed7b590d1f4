import { randomBytes, randomUUID } from 'node:crypto'
import type { IdGenerator } from './ports.ts'

export const randomIds: IdGenerator = {
  next: (prefix = '') => `${prefix}${randomUUID()}`,
  transactionId: (now) => `${randomBytes(16).toString('hex')}-${BigInt(now.getTime()) * 1_000_000n}`,
  hex: (n) => randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n),
}
