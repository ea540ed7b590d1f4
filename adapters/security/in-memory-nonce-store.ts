import type { NonceStore } from '../../core/security/ports.ts'

/** Nonces in this process only (unit tests, and one-process fakes); expired ones are dropped as new ones come. */
export class InMemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>()

  constructor(private readonly now: () => Date = () => new Date()) {}

  async claim(keyId: string, nonce: string, until: Date): Promise<boolean> {
    const at = this.now().getTime()
    for (const [key, expiry] of this.seen) if (expiry <= at) this.seen.delete(key)
    const key = `${keyId}#${nonce}`
    if (this.seen.has(key)) return false
    this.seen.set(key, until.getTime())
    return true
  }
}
