import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { generateSigningKey } from '../../../adapters/security/ed25519-keys.ts'
import { HttpMessageSigner } from '../../../adapters/security/http-signatures.ts'
import { JweSealer } from '../../../adapters/security/jwe-sealer.ts'
import { generateSealingKey } from '../../../adapters/security/x25519-keys.ts'
import { JsonLogger } from '../../../adapters/logging/json-logger.ts'
import { isSealed } from '../../../core/security/credential-sealer.ts'
import { keyIdOf, publicPart } from '../../../core/security/keys.ts'
import { registryKeys } from '../../../core/security/resolve-keys.ts'
import { sealingPublicPart } from '../../../core/security/sealing-keys.ts'
import { registrySealRecipients } from '../../../core/security/sealing-recipients.ts'
import { peerRegistrationFromWire } from '../../../core/wire/peer-codec.ts'
import { loadConfig } from '../../../functions/config.ts'
import type { AppEnv } from '../../../functions/http/env.ts'
import { keyRoutes } from '../../../functions/http/signature-auth.ts'
import { aK8SliceFlavour, aPeer } from '../../support/factories.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { InMemoryPeers } from '../../support/in-memory-discovery.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'

const BASE_ENV = { PARTICIPANT_ID: 'provider-1', PARTICIPANT_DOMAIN: 'provider.local', TABLE_NAME: 'in-memory' }
const PROVIDER_URL = 'http://127.0.0.1:30001'
const PEERING_KUBECONFIG = 'cHJvdmlkZXIta3ViZWNvbmZpZw=='
const BUYER_KUBECONFIG = Buffer.from('apiVersion: v1\nkind: Config\n# the buyer cluster\n').toString('base64')
const FLAVOUR = aK8SliceFlavour({ id: 'provider.local-k8slice-0001' })
const reserveBody = (buyer: string, kubeconfig?: string, flavorID = FLAVOUR.id) => ({
  flavorID,
  buyerID: { ID: buyer, IP: '127.0.0.1:30010', domain: 'consumer.local', additionalInformation: { liqoID: `liqo-${buyer}`, ...(kubeconfig ? { kubeconfig } : {}) } },
})
const fromLoopback = { incoming: { socket: { remoteAddress: '127.0.0.1' } } }

describe('sealing keys', () => {
  it('reads SEALING_KEYS with previous keys kept to open, and refuses bad ones, naming the variable', () => {
    const current = generateSealingKey('e2')
    const previous = generateSealingKey('e1')

    expect(loadConfig({ ...BASE_ENV, SEALING_KEYS: JSON.stringify({ current, previous: [previous] }) }).sealingKeys).toEqual({ current, previous: [previous] })
    expect(loadConfig(BASE_ENV).sealingKeys).toBeUndefined()
    expect(() => loadConfig({ ...BASE_ENV, SEALING_KEYS: 'nope' })).toThrow(/SEALING_KEYS .*JSON/)
    expect(() => loadConfig({ ...BASE_ENV, SEALING_KEYS: JSON.stringify({ current: sealingPublicPart(current) }) })).toThrow(/SEALING_KEYS .*current\.d/)
    expect(() => loadConfig({ ...BASE_ENV, SEALING_KEYS: JSON.stringify({ current: generateSigningKey() }) })).toThrow(/SEALING_KEYS/)
    expect(() => loadConfig({ ...BASE_ENV, SEALING_KEYS: JSON.stringify({ current, previous: [current] }) })).toThrow(/own kid/)
  })

  it('registers a peer with an enc key beside its signing key; private members, another use or too many keys are refused', () => {
    const signing = publicPart(generateSigningKey('k1'))
    const sealing = sealingPublicPart(generateSealingKey('e1'))
    const wire = { id: 'consumer-node', role: 'node', baseUrl: 'http://consumer.test', protocol: 'rear-cloud' }

    expect(peerRegistrationFromWire({ ...wire, publicKeys: [signing, sealing] }).publicKeys).toEqual([signing, sealing])
    expect(() => peerRegistrationFromWire({ ...wire, publicKeys: [generateSealingKey('e2')] })).toThrow()
    expect(() => peerRegistrationFromWire({ ...wire, publicKeys: [{ ...sealing, use: 'sig' }] })).toThrow()
    expect(() => peerRegistrationFromWire({ ...wire, publicKeys: [{ ...sealing, crv: 'X448' }] })).toThrow()
    expect(() => peerRegistrationFromWire({ ...wire, publicKeys: [1, 2, 3, 4, 5].map((n) => sealingPublicPart(generateSealingKey(`e${n}`))) })).toThrow(/at most 4 sealing keys/)
  })

  it('never verifies a signature with an enc key, and finds a recipient’s enc keys in its peer record, else the directory', async () => {
    const sealing = sealingPublicPart(generateSealingKey('e1'))
    const listed = sealingPublicPart(generateSealingKey('e9'))
    const peers = new InMemoryPeers([aPeer({ id: 'consumer-node', publicKeys: [sealing] })])

    const resolved = await registryKeys({ peers, agentKeys: [], selfId: 'provider-1' }, 'peer').resolve('consumer-node#e1')
    const recipients = registrySealRecipients({ peers, directory: { catalog: [listed] } })

    expect(resolved).toBeUndefined()
    expect(await recipients('consumer-node')).toEqual({ id: 'consumer-node', keys: [sealing] })
    expect(await recipients('catalog')).toEqual({ id: 'catalog', keys: [listed] })
    expect(await recipients('go-node')).toEqual({ id: 'go-node', keys: [] })
  })

  it('publishes the current enc key in /.well-known/rear-keys next to the signing keys, never a private member', async () => {
    const signing = generateSigningKey('k1')
    const current = generateSealingKey('e2')
    const app = new Hono<AppEnv>().route('/', keyRoutes({ current: signing }, { current, previous: [generateSealingKey('e1')] }))

    const body = (await (await app.request('/.well-known/rear-keys')).json()) as { keys: Record<string, unknown>[] }

    expect(body.keys).toEqual([publicPart(signing), { kty: 'OKP', crv: 'X25519', x: current.x, kid: 'e2', use: 'enc', alg: 'ECDH-ES+A256KW' }])
    expect(body.keys.every((k) => !('d' in k))).toBe(true)
  })
})

describe('logs', () => {
  it('redact a JWE or a kubeconfig under any credential key name at any depth, and a JWE under any name', async () => {
    const lines: string[] = []
    const logger = new JsonLogger({}, (line) => lines.push(line))
    const sealer = new JweSealer('provider-1', { current: generateSealingKey(), previous: [] })
    const jwe = await sealer.seal(PEERING_KUBECONFIG, sealer.self, { audience: 'provider-1', contractId: 'c1' })

    logger.info('CONTRACT', { contract: { peeringTargetCredentials: { clusterID: 'liqo-1', kubeconfig: PEERING_KUBECONFIG } } })
    logger.info('RESERVE', { request: { buyerID: { additionalInformation: { kubeconfig: BUYER_KUBECONFIG } } }, buyerKubeconfig: jwe })
    logger.child({ chain: { peeringTargetCredentials: jwe } }).warn('ODD', { detail: `answer was ${jwe}`, nested: [{ anything: jwe }] })

    const all = lines.join('\n')
    expect(all).not.toContain(PEERING_KUBECONFIG)
    expect(all).not.toContain(BUYER_KUBECONFIG)
    expect(all).not.toContain(jwe.split('.')[3])
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(['CONTRACT', 'RESERVE', 'ODD'])
  })
})

describe('a purchase from a provider with SEALING_KEYS', () => {
  it('answers a signed buyer registered with an enc key a JWE it alone opens, bound to the contract, and stores only that', async () => {
    const { provider, buyer, sign } = await setup()
    const reserved = await provider.app.request(await sign('POST', '/api/v2/reservations', reserveBody('consumer-node')))
    const { transactionID } = (await reserved.json()) as { transactionID: string }

    const answer = await provider.app.request(await sign('POST', `/api/v2/transactions/${transactionID}/purchase`, {}))
    const again = await provider.app.request(await sign('POST', `/api/v2/transactions/${transactionID}/purchase`, {}))

    expect(answer.status).toBe(200)
    const contract = (await answer.json()) as { contractID: string; peeringTargetCredentials: { clusterID: string; kubeconfig: string } }
    const sealed = contract.peeringTargetCredentials.kubeconfig
    expect(isSealed(sealed)).toBe(true)
    expect(await buyer.open(sealed, { audience: 'consumer-node', contractId: contract.contractID })).toBe(PEERING_KUBECONFIG)
    expect(((await again.json()) as typeof contract).peeringTargetCredentials.kubeconfig).toBe(sealed)
    expect(provider.store.contracts.get(contract.contractID)?.peeringTargetCredentials.kubeconfig).toBe(sealed)
    expect(JSON.stringify([...provider.store.contracts.values()])).not.toContain(PEERING_KUBECONFIG)
  })

  it('answers an unsigned (FLUIDOS Go) buyer in clear, as the wire demands, and keeps the contract sealed to itself', async () => {
    const { provider, logger } = await setup()
    const reserved = await provider.app.request('/api/v2/reservations', json('POST', reserveBody('go-node')), fromLoopback)
    const { transactionID } = (await reserved.json()) as { transactionID: string }

    const answer = await provider.app.request(`/api/v2/transactions/${transactionID}/purchase`, json('POST', {}), fromLoopback)

    const contract = (await answer.json()) as { contractID: string; peeringTargetCredentials: { kubeconfig: string } }
    expect(contract.peeringTargetCredentials.kubeconfig).toBe(PEERING_KUBECONFIG)
    const stored = provider.store.contracts.get(contract.contractID)!.peeringTargetCredentials.kubeconfig
    expect(isSealed(stored)).toBe(true)
    expect(JSON.parse(Buffer.from(stored.split('.')[0]!, 'base64url').toString())).toMatchObject({ aud: 'provider-1', 'rear.contractId': contract.contractID })
    expect(logger.events.map((e) => e.event)).toContain('CREDENTIAL_SENT_CLEAR')
  })

  it('answers a signed buyer without an enc key in clear, sealed to itself at rest', async () => {
    const { provider, signAs } = await setup()
    const sign = signAs('plain-node')
    const reserved = await provider.app.request(await sign('POST', '/api/v2/reservations', reserveBody('plain-node')))
    const { transactionID } = (await reserved.json()) as { transactionID: string }

    const contract = (await (await provider.app.request(await sign('POST', `/api/v2/transactions/${transactionID}/purchase`, {}))).json()) as { contractID: string; peeringTargetCredentials: { kubeconfig: string } }

    expect(contract.peeringTargetCredentials.kubeconfig).toBe(PEERING_KUBECONFIG)
    expect(isSealed(provider.store.contracts.get(contract.contractID)!.peeringTargetCredentials.kubeconfig)).toBe(true)
  })

  it('stores a buyer kubeconfig received in clear sealed to itself and bound to the transaction, and a sealed one as received', async () => {
    const { provider, buyer, sign } = await setup()
    const providerRecipient = { id: 'provider-1', keys: [sealingPublicPart(provider.config.sealingKeys!.current)] }
    const sealedByOrigin = await buyer.seal(BUYER_KUBECONFIG, providerRecipient, { audience: 'provider-1', chainId: 'chain-1' })

    const fromGo = (await (await provider.app.request('/api/v2/reservations', json('POST', reserveBody('go-node', BUYER_KUBECONFIG)), fromLoopback)).json()) as { transactionID: string }
    const fromPeer = (await (await provider.app.request(await sign('POST', '/api/v2/reservations', reserveBody('consumer-node', sealedByOrigin, 'provider.local-k8slice-0002')))).json()) as { transactionID: string }

    const goTx = await provider.store.reservationRepository.getTransaction(fromGo.transactionID)
    const peerTx = await provider.store.reservationRepository.getTransaction(fromPeer.transactionID)
    expect(isSealed(goTx!.buyerKubeconfig!)).toBe(true)
    expect(JSON.parse(Buffer.from(goTx!.buyerKubeconfig!.split('.')[0]!, 'base64url').toString())).toMatchObject({ aud: 'provider-1', 'rear.transactionId': fromGo.transactionID })
    expect(peerTx!.buyerKubeconfig).toBe(sealedByOrigin)
  })

  it('never echoes the credential in the operator’s contract read', async () => {
    const { provider, sign } = await setup()
    const { transactionID } = (await (await provider.app.request(await sign('POST', '/api/v2/reservations', reserveBody('consumer-node')))).json()) as { transactionID: string }
    const { contractID } = (await (await provider.app.request(await sign('POST', `/api/v2/transactions/${transactionID}/purchase`, {}))).json()) as { contractID: string }

    const read = await provider.request('GET', `/admin/v1/contracts/${contractID}`, undefined, { Authorization: 'Bearer admin-token-0123456789' })

    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ contractID, credential: 'sealed', peeringTargetCredentials: { kubeconfig: '' } })
  })

  async function setup() {
    const clock = new FakeClock(new Date('2026-11-23T12:00:00Z'))
    const keyOf = (id: string) => generateSigningKey(`${id}-k1`)
    const signing = { 'consumer-node': keyOf('consumer-node'), 'plain-node': keyOf('plain-node') }
    const buyerRing = { current: generateSealingKey('consumer-e1'), previous: [] }
    const logger = new RecordingLogger()
    const provider = await createInMemoryParticipant({
      clock,
      logger,
      flavours: [FLAVOUR, aK8SliceFlavour({ id: 'provider.local-k8slice-0002' })],
      env: {
        SIGNING_KEYS: JSON.stringify({ current: generateSigningKey('own') }),
        SEALING_KEYS: JSON.stringify({ current: generateSealingKey('provider-e1') }),
        PARTICIPANT_URL: PROVIDER_URL,
        LOCAL_UNSIGNED_LOOPBACK: 'true',
        PEERING_KUBECONFIG,
        ADMIN_TOKEN: 'admin-token-0123456789',
      },
      peers: [
        aPeer({ id: 'consumer-node', publicKeys: [publicPart(signing['consumer-node']), sealingPublicPart(buyerRing.current)] }),
        aPeer({ id: 'plain-node', publicKeys: [publicPart(signing['plain-node'])] }),
      ],
    })
    const signAs = (id: keyof typeof signing) => {
      const signer = new HttpMessageSigner(keyIdOf(id, signing[id]), signing[id], clock)
      return async (method: string, path: string, body: unknown) => {
        const url = `${PROVIDER_URL}${path}`
        const init = json(method, body)
        return new Request(url, { ...init, headers: await signer.sign(new Request(url, init)) })
      }
    }
    return { provider, logger, buyer: new JweSealer('consumer-node', buyerRing), sign: signAs('consumer-node'), signAs }
  }
})

function json(method: string, body: unknown): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }
}
