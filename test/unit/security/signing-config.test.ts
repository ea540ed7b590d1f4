import { describe, expect, it } from 'vitest'
import { generateSigningKey } from '../../../adapters/security/ed25519-keys.ts'
import { HttpMessageSigner } from '../../../adapters/security/http-signatures.ts'
import { keyIdOf, publicPart } from '../../../core/security/keys.ts'
import { peerRegistrationFromWire } from '../../../core/wire/peer-codec.ts'
import { loadConfig } from '../../../functions/config.ts'
import { aPeer } from '../../support/factories.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

const BASE_ENV = { PARTICIPANT_ID: 'provider-1', PARTICIPANT_DOMAIN: 'provider.local', TABLE_NAME: 'in-memory' }
const RESERVE = { flavorID: 'unknown-flavour', buyerID: { ID: 'consumer-node', IP: 'x:1', domain: 'consumer.local', additionalInformation: { liqoID: 'l' } } }

describe('signing configuration', () => {
  it('reads SIGNING_KEYS with a previous key and its deadline, AGENT_PUBLIC_KEYS as a JWK set, and LOCAL_UNSIGNED_LOOPBACK', () => {
    const current = generateSigningKey('k2')
    const previous = generateSigningKey('k1')
    const agent = generateSigningKey('a1')

    const config = loadConfig({
      ...BASE_ENV,
      SIGNING_KEYS: JSON.stringify({ current, previous, previousUntil: '2026-12-01T00:00:00Z' }),
      AGENT_PUBLIC_KEYS: JSON.stringify({ keys: [publicPart(agent)] }),
      LOCAL_UNSIGNED_LOOPBACK: 'true',
    })

    expect(config.signingKeys).toEqual({ current, previous, previousUntil: new Date('2026-12-01T00:00:00Z') })
    expect(config.agentPublicKeys).toEqual([publicPart(agent)])
    expect(config.localUnsignedLoopback).toBe(true)
  })

  it('reads PEER_PUBLIC_KEYS as public keys by participant id, refusing private ones', () => {
    const key = generateSigningKey('c1')

    expect(loadConfig({ ...BASE_ENV, PEER_PUBLIC_KEYS: JSON.stringify({ catalog: [publicPart(key)] }) }).peerKeyDirectory).toEqual({ catalog: [publicPart(key)] })
    expect(() => loadConfig({ ...BASE_ENV, PEER_PUBLIC_KEYS: JSON.stringify({ catalog: [key] }) })).toThrow(/PEER_PUBLIC_KEYS/)
  })

  it('leaves them off by default: no keys, no agent keys, no loopback allowance', () => {
    expect(loadConfig(BASE_ENV)).toMatchObject({ agentPublicKeys: [], localUnsignedLoopback: false })
    expect(loadConfig(BASE_ENV).signingKeys).toBeUndefined()
  })

  it.each([
    ['not JSON', 'nope', /SIGNING_KEYS .*JSON/],
    ['a public key only', JSON.stringify({ current: publicPart(generateSigningKey()) }), /SIGNING_KEYS .*current\.d/],
    ['a previous key without its deadline', JSON.stringify({ current: generateSigningKey('a'), previous: generateSigningKey('b') }), /previousUntil/],
    ['an RSA key', JSON.stringify({ current: { kty: 'RSA', kid: 'x' } }), /SIGNING_KEYS .*current/],
  ])('refuses SIGNING_KEYS that is %s, naming it', (_case, value, message) => {
    expect(() => loadConfig({ ...BASE_ENV, SIGNING_KEYS: value })).toThrow(message)
  })

  it('refuses AGENT_PUBLIC_KEYS with a private member', () => {
    expect(() => loadConfig({ ...BASE_ENV, AGENT_PUBLIC_KEYS: JSON.stringify([generateSigningKey()]) })).toThrow(/AGENT_PUBLIC_KEYS/)
  })

  it('registers a peer with its public keys and a legacy address; a private key is refused', () => {
    const key = publicPart(generateSigningKey('k1'))
    const wire = { id: 'go-node', role: 'node', baseUrl: 'http://go.test', publicKeys: [key], legacyUnsigned: { address: '203.0.113.7' } }

    expect(peerRegistrationFromWire(wire)).toMatchObject({ publicKeys: [key], legacyUnsigned: { address: '203.0.113.7' } })
    expect(() => peerRegistrationFromWire({ ...wire, publicKeys: [generateSigningKey()] })).toThrow()
    expect(() => peerRegistrationFromWire({ ...wire, legacyUnsigned: { address: 'anywhere' } })).toThrow()
  })
})

describe('a participant with SIGNING_KEYS', () => {
  it('answers 401 to an unsigned reserve and takes one signed by a registered peer', async () => {
    const { participant, sign } = await setup()

    const unsigned = await participant.request('POST', '/api/v2/reservations', RESERVE)
    const signed = await participant.app.request(await sign('POST', 'http://127.0.0.1:30001/api/v2/reservations', JSON.stringify(RESERVE)))

    expect(unsigned.status).toBe(401)
    expect(unsigned.body).toMatchObject({ code: 'SIGNATURE_MISSING' })
    expect(signed.status).not.toBe(401)
  })

  it('signs its own calls to peers with its current key', async () => {
    const { participant, calls } = await setup()

    await participant.request('PUT', '/admin/v1/peers/consumer-node', { role: 'node', baseUrl: 'http://consumer.test', protocol: 'rear-cloud' })

    expect(calls[0]?.headers.get('signature-input')).toContain('keyid="provider-1#own"')
    expect(calls[0]?.headers.get('content-digest')).toMatch(/^sha-256=:/)
  })

  it('exposes its key ring for /.well-known/rear-keys', async () => {
    const { participant, own } = await setup()

    expect(participant.participant.keys?.current).toEqual(own)
  })
})

async function setup() {
  const clock = new FakeClock(new Date('2026-11-23T12:00:00Z'))
  const own = generateSigningKey('own')
  const consumerKey = generateSigningKey('c1')
  const calls: Request[] = []
  const participant = await createInMemoryParticipant({
    clock,
    env: { SIGNING_KEYS: JSON.stringify({ current: own }), PARTICIPANT_URL: 'http://127.0.0.1:30001' },
    peers: [aPeer({ id: 'consumer-node', publicKeys: [publicPart(consumerKey)] })],
    fetch: async (input, init) => {
      calls.push(new Request(input, init))
      return new Response(JSON.stringify({ status: 'ok', role: 'node', participant: 'consumer-node' }), { headers: { 'Content-Type': 'application/json' } })
    },
  })
  const signer = new HttpMessageSigner(keyIdOf('consumer-node', consumerKey), consumerKey, clock)
  const sign = async (method: string, url: string, body: string) => {
    const request = new Request(url, { method, headers: { 'Content-Type': 'application/json' }, body })
    return new Request(url, { method, headers: await signer.sign(request), body })
  }
  return { participant, sign, calls, own }
}
