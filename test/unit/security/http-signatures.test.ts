import { createPrivateKey } from 'node:crypto'
import { createSignature, webcrypto } from 'http-message-sig'
import { describe, expect, it } from 'vitest'
import { HttpMessageSigner, HttpMessageVerifier, contentDigest } from '../../../adapters/security/http-signatures.ts'
import { InMemoryNonceStore } from '../../../adapters/security/in-memory-nonce-store.ts'
import { generateSigningKey } from '../../../adapters/security/ed25519-keys.ts'
import { keyIdOf, publicPart } from '../../../core/security/keys.ts'
import { registryKeys } from '../../../core/security/resolve-keys.ts'
import type { Peer } from '../../../core/peers/model.ts'
import type { PrivateJwk } from '../../../core/security/ports.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { InMemoryPeers } from '../../support/in-memory-discovery.ts'
import { aPeer } from '../../support/factories.ts'

const URL_ = 'http://consumer.test/api/v2/reservations'
const BODY = JSON.stringify({ flavorID: 'f-1', buyer: { nodeID: 'provider-node' } })

describe('RFC 9421 test vector', () => {
  it('reproduces the Ed25519 signature of Appendix B.2.6 with the library', async () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----'
    const jwk = createPrivateKey(pem).export({ format: 'jwk' })
    const key = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign'])
    const request = new Request('https://example.com/foo?param=Value&Pet=dog', {
      method: 'POST',
      headers: {
        Date: 'Tue, 20 Apr 2021 02:07:55 GMT',
        'Content-Type': 'application/json',
        'Content-Digest': 'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
        'Content-Length': '18',
      },
      body: '{"hello": "world"}',
    })

    const fields = await createSignature(request, {
      label: 'sig-b26',
      components: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'],
      parameters: { created: 1618884473, keyid: 'test-key-ed25519' },
      signer: webcrypto.signer(key),
    })

    expect(fields.signatureInput).toBe('sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"')
    expect(fields.signature).toBe('sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:')
  })

  it('computes Content-Digest sha-256 over the raw body, the empty string for none', () => {
    expect(contentDigest(new Uint8Array())).toBe('sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:')
  })
})

describe('HttpMessageVerifier', () => {
  it('accepts a signed request and names the peer that signed it', async () => {
    const { sign, verifier } = await setup()

    const caller = await verifier.verify(await sign())

    expect(caller).toEqual({ kind: 'peer', id: 'provider-node', keyId: 'provider-node#k1' })
  })

  it('signs method, target URI, Content-Digest and Content-Type with created, expires, keyid, nonce, alg and tag', async () => {
    const { sign } = await setup()

    const request = await sign()

    expect(request.headers.get('signature-input')).toMatch(
      /^rear=\("@method" "@target-uri" "content-digest" "content-type"\);created=\d+;expires=\d+;keyid="provider-node#k1";nonce="[A-Za-z0-9_-]{22}";alg="ed25519";tag="rear"$/,
    )
    expect(request.headers.get('content-digest')).toBe(contentDigest(new TextEncoder().encode(BODY)))
  })

  it('accepts a signed GET without a body or Content-Type', async () => {
    const { signer, verifier } = await setup()
    const request = new Request('http://consumer.test/api/v2/flavors')

    await expect(verifier.verify(new Request(request, { headers: await signer.sign(request) }))).resolves.toMatchObject({ id: 'provider-node' })
  })

  it.each([
    ['missing', 'SIGNATURE_MISSING', (r: Request) => strip(r, 'signature', 'signature-input')],
    ['without Signature-Input', 'SIGNATURE_MISSING', (r: Request) => strip(r, 'signature-input')],
    ['malformed', 'SIGNATURE_MALFORMED', (r: Request) => withHeader(r, 'signature-input', 'rear=("@method";created=x')],
    ['under another label', 'SIGNATURE_MALFORMED', (r: Request) => relabel(r)],
    ['with a forged signature', 'SIGNATURE_INVALID', (r: Request) => withHeader(r, 'signature', `rear=:${Buffer.alloc(64, 1).toString('base64')}:`)],
    ['sent to another URI', 'SIGNATURE_INVALID', (r: Request) => new Request('http://attacker.test/api/v2/reservations', { method: 'POST', headers: r.headers, body: BODY })],
    ['with the body changed after signing', 'CONTENT_DIGEST_MISMATCH', (r: Request) => new Request(r.url, { method: 'POST', headers: r.headers, body: BODY.replace('f-1', 'f-2') })],
    ['with Content-Digest changed to the new body', 'SIGNATURE_INVALID', (r: Request) => withHeader(new Request(r.url, { method: 'POST', headers: r.headers, body: '{}' }), 'content-digest', contentDigest(new TextEncoder().encode('{}')))],
  ])('refuses a request %s with 401 %s', async (_case, code, tamper) => {
    const { sign, verifier } = await setup()

    await expect(verifier.verify(tamper(await sign()))).rejects.toMatchObject({ kind: 'unauthorized', code })
  })

  it('refuses an unknown key, and a keyid naming another peer than the key’s owner', async () => {
    const { verifier, clock } = await setup()
    const stranger = signerFor('stranger-node', generateSigningKey('k1'), clock)
    const impostor = signerFor('other-node', generateSigningKey('k1'), clock)

    await expect(verifier.verify(await signed(stranger))).rejects.toMatchObject({ code: 'SIGNATURE_KEY_UNKNOWN' })
    await expect(verifier.verify(await signed(impostor))).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' })
  })

  it('refuses a peer key where only the agent key is accepted, and the other way round', async () => {
    const { sign, agentVerifier, verifier, agentKey, clock } = await setup()
    const agent = signerFor('agent', agentKey, clock)

    await expect(agentVerifier.verify(await sign())).rejects.toMatchObject({ code: 'SIGNATURE_KEY_UNKNOWN' })
    await expect(verifier.verify(await signed(agent))).rejects.toMatchObject({ code: 'SIGNATURE_KEY_UNKNOWN' })
    await expect(agentVerifier.verify(await signed(agent))).resolves.toEqual({ kind: 'agent', id: 'consumer-node', keyId: 'agent#a1' })
  })

  it('accepts a participant that is not a registered peer by its key in the PEER_PUBLIC_KEYS directory', async () => {
    const { clock } = await setup()
    const catalogKey = generateSigningKey('c1')
    const keys = registryKeys({ peers: new InMemoryPeers(), agentKeys: [], selfId: 'consumer-node', directory: { catalog: [publicPart(catalogKey)] } }, 'peer')
    const verifier = new HttpMessageVerifier({ keys, nonces: new InMemoryNonceStore(), clock })

    await expect(verifier.verify(await signed(signerFor('catalog', catalogKey, clock)))).resolves.toEqual({ kind: 'peer', id: 'catalog', keyId: 'catalog#c1' })
  })

  it('refuses an expired signature, and one from too far in the future', async () => {
    const { sign, verifier, clock } = await setup()
    const request = await sign()
    clock.advance(91_000)

    await expect(verifier.verify(request)).rejects.toMatchObject({ code: 'SIGNATURE_EXPIRED' })
    const early = await sign()
    clock.advance(-200_000)
    await expect(verifier.verify(early)).rejects.toMatchObject({ code: 'SIGNATURE_EXPIRED' })
  })

  it('accepts a signature within the clock skew after it expired', async () => {
    const { sign, verifier, clock } = await setup()
    const request = await sign()
    clock.advance(80_000)

    await expect(verifier.verify(request)).resolves.toMatchObject({ id: 'provider-node' })
  })

  it('refuses a replayed signature', async () => {
    const { sign, verifier } = await setup()
    const request = await sign()
    await verifier.verify(request.clone())

    await expect(verifier.verify(request)).rejects.toMatchObject({ code: 'SIGNATURE_REPLAYED' })
  })

  it('accepts the previous key until its date, then refuses it', async () => {
    const { verifier, clock, previousKey } = await setup()
    const old = signerFor('provider-node', previousKey, clock)

    await expect(verifier.verify(await signed(old))).resolves.toMatchObject({ keyId: 'provider-node#k0' })
    clock.advance(3_600_000)
    await expect(verifier.verify(await signed(old))).rejects.toMatchObject({ code: 'SIGNATURE_KEY_UNKNOWN' })
  })
})

const strip = (request: Request, ...names: string[]) => {
  const headers = new Headers(request.headers)
  for (const name of names) headers.delete(name)
  return new Request(request, { headers })
}

const withHeader = (request: Request, name: string, value: string) => {
  const headers = new Headers(request.headers)
  headers.set(name, value)
  return new Request(request, { headers })
}

const relabel = (request: Request) => {
  const headers = new Headers(request.headers)
  headers.set('signature-input', headers.get('signature-input')!.replace(/^rear=/, 'other='))
  headers.set('signature', headers.get('signature')!.replace(/^rear=/, 'other='))
  return new Request(request, { headers })
}

const signerFor = (owner: string, key: PrivateJwk, clock: FakeClock) => new HttpMessageSigner(keyIdOf(owner, key), key, clock)

async function signed(signer: HttpMessageSigner, url = URL_, body = BODY): Promise<Request> {
  const request = new Request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
  return new Request(url, { method: 'POST', headers: await signer.sign(request), body })
}

async function setup() {
  const clock = new FakeClock('2026-11-23T12:00:00Z')
  const key = generateSigningKey('k1')
  const previousKey = generateSigningKey('k0')
  const agentKey = generateSigningKey('a1')
  const retiresAt = Math.floor(clock.now().getTime() / 1000) + 1800
  const provider: Peer = aPeer({ id: 'provider-node', publicKeys: [publicPart(key), { ...publicPart(previousKey), exp: retiresAt }] })
  const peers = new InMemoryPeers([provider, aPeer({ id: 'other-node', publicKeys: [publicPart(generateSigningKey('k1'))] })])
  const nonces = new InMemoryNonceStore(() => clock.now())
  const resolverDeps = { peers, agentKeys: [publicPart(agentKey)], selfId: 'consumer-node' }
  const verifier = new HttpMessageVerifier({ keys: registryKeys(resolverDeps, 'peer'), nonces, clock })
  const agentVerifier = new HttpMessageVerifier({ keys: registryKeys(resolverDeps, 'agent'), nonces, clock })
  const signer = signerFor('provider-node', key, clock)
  return { clock, signer, verifier, agentVerifier, agentKey, previousKey, sign: () => signed(signer) }
}
