import { describe, expect, it } from 'vitest'
import { decodeProtectedHeader } from 'jose'
import { JweSealer } from '../../../adapters/security/jwe-sealer.ts'
import { generateSealingKey } from '../../../adapters/security/x25519-keys.ts'
import type { SealContext } from '../../../core/security/credential-sealer.ts'
import { isSealed, sealedAudience } from '../../../core/security/credential-sealer.ts'
import { sealingPublicPart } from '../../../core/security/sealing-keys.ts'
import { isRearError } from '../../../core/shared/errors.ts'

const KUBECONFIG = Buffer.from('apiVersion: v1\nkind: Config\nclusters:\n- name: provider\n').toString('base64')
const FOR_CONSUMER: SealContext = { audience: 'consumer-node', contractId: 'contract-1' }

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')

/** Every compact JWE obtained by changing one byte of one of its five parts. */
function everyOneByteChange(jwe: string): string[] {
  const parts = jwe.split('.')
  const variants: string[] = []
  parts.forEach((part, index) => {
    const bytes = Buffer.from(part, 'base64url')
    for (let at = 0; at < bytes.length; at++) {
      const changed = Buffer.from(bytes)
      changed[at] = changed[at]! ^ 0x01
      variants.push(parts.map((p, i) => (i === index ? b64url(changed) : p)).join('.'))
    }
  })
  return variants
}

async function openError(sealer: JweSealer, jwe: string, context: SealContext): Promise<unknown> {
  try {
    await sealer.open(jwe, context)
  } catch (error) {
    return error
  }
  return undefined
}

describe('JweSealer', () => {
  it('seals to the recipient as a compact JWE with ECDH-ES+A256KW, A256GCM, its kid and the context in the protected header, and it opens', async () => {
    const { provider, consumer } = setup()

    const jwe = await provider.seal(KUBECONFIG, consumer.self, FOR_CONSUMER)

    expect(isSealed(jwe)).toBe(true)
    expect(decodeProtectedHeader(jwe)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: 'consumer-e1', aud: 'consumer-node', 'rear.contractId': 'contract-1' })
    expect(sealedAudience(jwe)).toBe('consumer-node')
    expect(jwe).not.toContain(KUBECONFIG)
    expect(await consumer.open(jwe, FOR_CONSUMER)).toBe(KUBECONFIG)
  })

  it('detects a change of any byte of any part with a coded error, never a crash', async () => {
    const { provider, consumer } = setup()
    const jwe = await provider.seal(KUBECONFIG, consumer.self, FOR_CONSUMER)
    const variants = everyOneByteChange(jwe)

    const errors = await Promise.all(variants.map((variant) => openError(consumer, variant, FOR_CONSUMER)))

    expect(variants.length).toBeGreaterThan(200)
    const codes = new Set(errors.map((error) => (isRearError(error) ? error.code : `uncoded: ${String(error)}`)))
    expect([...codes].every((code) => ['SEALED_CREDENTIAL_INVALID', 'SEALED_CREDENTIAL_MISDIRECTED', 'SEALING_KEY_UNKNOWN'].includes(code))).toBe(true)
  })

  it.each([
    ['empty', ''],
    ['a clear kubeconfig', KUBECONFIG],
    ['three parts (a JWS)', 'eyJhbGciOiJFZERTQSJ9.e30.c2ln'],
    ['five parts of garbage', 'a.b.c.d.e'],
    ['a header that is not JSON', `${b64url(Buffer.from('not json'))}.a.b.c.d`],
    ['far too long', `eyJ${'A'.repeat(200_000)}.a.b.c.d`],
  ])('refuses %s as SEALED_CREDENTIAL_INVALID', async (_case, value) => {
    const { consumer } = setup()

    await expect(consumer.open(value, FOR_CONSUMER)).rejects.toMatchObject({ code: 'SEALED_CREDENTIAL_INVALID' })
  })

  it('refuses a JWE whose header names another algorithm than ECDH-ES+A256KW', async () => {
    const { provider, consumer } = setup()
    const [, ...rest] = (await provider.seal(KUBECONFIG, consumer.self, FOR_CONSUMER)).split('.')
    const header = b64url(Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'consumer-e1', aud: 'consumer-node', 'rear.contractId': 'contract-1' })))

    await expect(consumer.open([header, ...rest].join('.'), FOR_CONSUMER)).rejects.toMatchObject({ code: 'SEALED_CREDENTIAL_INVALID' })
  })

  it('refuses a JWE for another recipient, another contract or another kind of object', async () => {
    const { provider, consumer, relay } = setup()
    const jwe = await provider.seal(KUBECONFIG, consumer.self, FOR_CONSUMER)

    await expect(relay.open(jwe, { audience: 'relay', contractId: 'contract-1' })).rejects.toMatchObject({ code: 'SEALED_CREDENTIAL_MISDIRECTED', kind: 'forbidden' })
    await expect(consumer.open(jwe, { audience: 'consumer-node', contractId: 'contract-2' })).rejects.toMatchObject({ code: 'SEALED_CREDENTIAL_MISDIRECTED' })
    await expect(consumer.open(jwe, { audience: 'consumer-node', transactionId: 'contract-1' })).rejects.toMatchObject({ code: 'SEALED_CREDENTIAL_MISDIRECTED' })
  })

  it('refuses to open with a key the JWE was not sealed to, even when aud is right', async () => {
    const { provider } = setup()
    const impostor = new JweSealer('consumer-node', { current: generateSealingKey('consumer-e1'), previous: [] })
    const genuine = new JweSealer('consumer-node', { current: generateSealingKey('consumer-e1'), previous: [] })
    const jwe = await provider.seal(KUBECONFIG, genuine.self, FOR_CONSUMER)

    await expect(impostor.open(jwe, FOR_CONSUMER)).rejects.toMatchObject({ code: 'SEALED_CREDENTIAL_INVALID' })
  })

  it('seals to the newest key after a rotation and still opens what was sealed to the previous one', async () => {
    const { provider } = setup()
    const old = generateSealingKey('e1')
    const newest = generateSealingKey('e2')
    const before = new JweSealer('consumer-node', { current: old, previous: [] })
    const sealedBefore = await provider.seal(KUBECONFIG, before.self, FOR_CONSUMER)
    const rotated = new JweSealer('consumer-node', { current: newest, previous: [old] })

    const sealedAfter = await provider.seal(KUBECONFIG, rotated.self, FOR_CONSUMER)

    expect(rotated.self.keys).toEqual([sealingPublicPart(newest)])
    expect(decodeProtectedHeader(sealedAfter).kid).toBe('e2')
    expect(await rotated.open(sealedBefore, FOR_CONSUMER)).toBe(KUBECONFIG)
    expect(await rotated.open(sealedAfter, FOR_CONSUMER)).toBe(KUBECONFIG)
    await expect(new JweSealer('consumer-node', { current: newest, previous: [] }).open(sealedBefore, FOR_CONSUMER)).rejects.toMatchObject({ code: 'SEALING_KEY_UNKNOWN' })
  })

  it('refuses to seal to a recipient without a sealing key, or under another audience than the recipient', async () => {
    const { provider, consumer } = setup()

    await expect(provider.seal(KUBECONFIG, { id: 'go-node', keys: [] }, { audience: 'go-node', contractId: 'c' })).rejects.toMatchObject({ code: 'SEALING_KEY_MISSING' })
    await expect(provider.seal(KUBECONFIG, consumer.self, { audience: 'relay', contractId: 'c' })).rejects.toMatchObject({ code: 'SEALING_CONTEXT_INVALID' })
  })

  function setup() {
    const provider = new JweSealer('provider-node', { current: generateSealingKey('provider-e1'), previous: [] })
    const consumer = new JweSealer('consumer-node', { current: generateSealingKey('consumer-e1'), previous: [] })
    const relay = new JweSealer('relay', { current: generateSealingKey('relay-e1'), previous: [] })
    return { provider, consumer, relay }
  }
})
