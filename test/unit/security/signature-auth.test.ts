import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { HttpMessageSigner, HttpMessageVerifier } from '../../../adapters/security/http-signatures.ts'
import { InMemoryNonceStore } from '../../../adapters/security/in-memory-nonce-store.ts'
import { generateSigningKey } from '../../../adapters/security/ed25519-keys.ts'
import { keyIdOf, publicPart } from '../../../core/security/keys.ts'
import { registryKeys } from '../../../core/security/resolve-keys.ts'
import { onError } from '../../../functions/http/error-handler.ts'
import type { AppEnv } from '../../../functions/http/env.ts'
import { agentSignatureAndToken, keyRoutes, signatureAuth } from '../../../functions/http/signature-auth.ts'
import { agentToken } from '../../../functions/http/agent-routes.ts'
import type { Peer } from '../../../core/peers/model.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { InMemoryPeers } from '../../support/in-memory-discovery.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { aPeer } from '../../support/factories.ts'

const SELF_URL = 'https://consumer.example'
const PATH = '/rear/v1/chain/messages'
const BODY = '{"type":"RELEASE"}'
const GO_ADDRESS = '203.0.113.7'

describe('signatureAuth', () => {
  it('verifies a signed call against its own public URL and sets the peer as caller', async () => {
    const { app, signedRequest } = await setup()

    const response = await app.request(await signedRequest(), undefined, from('198.51.100.1'))

    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ kind: 'peer', id: 'provider-node', keyId: 'provider-node#k1' })
  })

  it('refuses a call signed for another participant’s URL (the Host header does not count)', async () => {
    const { app, signedRequest } = await setup()

    const response = await app.request(await signedRequest('https://other.example'), undefined, from('198.51.100.1'))

    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'SIGNATURE_INVALID' })
  })

  it('refuses an unsigned call with 401 SIGNATURE_MISSING, even from loopback, when the allowance is off', async () => {
    const { app } = await setup({ localLoopback: false })

    const response = await app.request(unsigned(), undefined, from('127.0.0.1'))

    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'SIGNATURE_MISSING' })
  })

  it('accepts an unsigned call from loopback as such while the allowance is on, and only from loopback', async () => {
    const { app } = await setup({ localLoopback: true })

    const local = await app.request(unsigned(), undefined, from('::ffff:127.0.0.1'))
    const remote = await app.request(unsigned(), undefined, from('198.51.100.1'))

    expect(await local.json()).toEqual({ kind: 'unsigned', reason: 'loopback' })
    expect(remote.status).toBe(401)
  })

  it('accepts a legacy-unsigned peer from its configured address only, logging every call', async () => {
    const { app, logger } = await setup({ peers: [aPeer({ id: 'go-node', protocol: 'fluidos-go', legacyUnsigned: { address: GO_ADDRESS } })] })

    const fromGo = await app.request(unsigned(), undefined, from(GO_ADDRESS))
    const elsewhere = await app.request(unsigned(), undefined, from('203.0.113.8'))

    expect(await fromGo.json()).toEqual({ kind: 'unsigned', reason: 'legacy-peer', id: 'go-node' })
    expect(elsewhere.status).toBe(401)
    expect(logger.events.filter((e) => e.event === 'UNSIGNED_LEGACY_CALL')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ peerId: 'go-node', address: GO_ADDRESS }) })])
  })

  it('refuses a Go peer’s unsigned calls when it is not marked legacy-unsigned (the default)', async () => {
    const { app } = await setup({ peers: [aPeer({ id: 'go-node', protocol: 'fluidos-go' })] })

    const response = await app.request(unsigned(), undefined, from(GO_ADDRESS))

    expect(response.status).toBe(401)
  })

  it('guards the agent API with the agent’s signature and its token as a second factor', async () => {
    const { agentApp, agentRequest } = await setup()

    const both = await agentApp.request(await agentRequest('Bearer agent-token-0123456789'), undefined, from('198.51.100.1'))
    const noToken = await agentApp.request(await agentRequest(), undefined, from('198.51.100.1'))

    expect(both.status).toBe(200)
    expect(await both.json()).toEqual({ kind: 'agent', id: 'consumer-node', keyId: 'agent#a1' })
    expect(noToken.status).toBe(401)
  })
})

describe('keyRoutes', () => {
  it('serves the current public key, and the previous one with its deadline, never a private member', async () => {
    const current = generateSigningKey('k2')
    const previous = generateSigningKey('k1')
    const app = new Hono<AppEnv>().route('/', keyRoutes({ current, previous, previousUntil: new Date('2026-12-01T00:00:00Z') }))

    const body = (await (await app.request('/.well-known/rear-keys')).json()) as { keys: Record<string, unknown>[] }

    expect(body.keys).toEqual([publicPart(current), { ...publicPart(previous), exp: 1796083200 }])
    expect(body.keys.every((k) => !('d' in k))).toBe(true)
  })
})

const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } })

const unsigned = () => new Request(`http://127.0.0.1:30000${PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: BODY })

async function setup(options: { localLoopback?: boolean; peers?: Peer[] } = {}) {
  const clock = new FakeClock('2026-11-23T12:00:00Z')
  const key = generateSigningKey('k1')
  const agentKey = generateSigningKey('a1')
  const peers = new InMemoryPeers([aPeer({ id: 'provider-node', publicKeys: [publicPart(key)] }), ...(options.peers ?? [])])
  const logger = new RecordingLogger()
  const nonces = new InMemoryNonceStore(() => clock.now())
  const keys = { peers, agentKeys: [publicPart(agentKey)], selfId: 'consumer-node' }
  const guard = (accept: 'peer' | 'agent') =>
    signatureAuth({
      verifier: new HttpMessageVerifier({ keys: registryKeys(keys, accept), nonces, clock }),
      peers,
      localLoopback: options.localLoopback ?? false,
      logger,
      selfUrl: SELF_URL,
    })
  const app = new Hono<AppEnv>()
  app.use('*', async (c, next) => {
    c.set('logger', logger)
    await next()
  })
  app.onError(onError)
  app.use('/rear/*', guard('peer'))
  app.post(PATH, (c) => c.json(c.get('caller')))
  const agentApp = new Hono<AppEnv>()
  agentApp.onError(onError)
  agentApp.use('/agent/*', agentSignatureAndToken(guard('agent'), agentToken('agent-token-0123456789')))
  agentApp.put('/agent/v1/cluster', (c) => c.json(c.get('caller')))
  const signedRequest = async (base = SELF_URL) => {
    const signer = new HttpMessageSigner(keyIdOf('provider-node', key), key, clock)
    const request = new Request(`${base}${PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: BODY })
    return new Request(`http://10.0.0.1${PATH}`, { method: 'POST', headers: await signer.sign(request), body: BODY })
  }
  const agentRequest = async (authorization?: string) => {
    const signer = new HttpMessageSigner(keyIdOf('agent', agentKey), agentKey, clock)
    const request = new Request(`${SELF_URL}/agent/v1/cluster`, { method: 'PUT', headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) }, body: '{}' })
    return new Request(`http://10.0.0.1/agent/v1/cluster`, { method: 'PUT', headers: await signer.sign(request), body: '{}' })
  }
  return { app, agentApp, logger, signedRequest, agentRequest }
}
