import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { afterEach, describe, expect, it } from 'vitest'
import { generateSigningKey } from '../../../adapters/security/ed25519-keys.ts'
import { HttpMessageSigner } from '../../../adapters/security/http-signatures.ts'
import { JweSealer } from '../../../adapters/security/jwe-sealer.ts'
import { generateSealingKey } from '../../../adapters/security/x25519-keys.ts'
import { silentLogger } from '../../../adapters/logging/json-logger.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { isSealed } from '../../../core/security/credential-sealer.ts'
import { keyIdOf, publicPart } from '../../../core/security/keys.ts'
import { sealingPublicPart } from '../../../core/security/sealing-keys.ts'
import { composeParticipant } from '../../../functions/composition.ts'
import { loadConfig } from '../../../functions/config.ts'
import { createApp } from '../../../functions/http/create-app.ts'
import { aK8SliceFlavour, aPeer } from '../../support/factories.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { FakeClock } from '../../support/fake-clock.ts'

const CLEAR_KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters:\n- name: provider-cluster-secret\n'
const PEERING_KUBECONFIG = Buffer.from(CLEAR_KUBECONFIG).toString('base64')
const GO_BUYER_KUBECONFIG = Buffer.from('apiVersion: v1\nkind: Config\n# go buyer cluster secret\n').toString('base64')
const flavourId = (n: number) => `provider.local-k8slice-${String(n).padStart(4, '0')}`
const reserveBody = (buyer: string, n: number, kubeconfig?: string) => ({
  flavorID: flavourId(n),
  buyerID: { ID: buyer, IP: '127.0.0.1:30010', domain: 'consumer.local', additionalInformation: { liqoID: `liqo-${buyer}`, ...(kubeconfig ? { kubeconfig } : {}) } },
})
const JSON_HEADERS = { 'Content-Type': 'application/json' }

type ContractAnswer = { contractID: string; peeringTargetCredentials: { clusterID: string; kubeconfig: string } }

describe('a purchase over HTTP from a provider on DynamoDB with SEALING_KEYS', () => {
  const servers: ServerType[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
  })

  it('answers a signed rear-cloud buyer a JWE it opens, and the provider’s table holds no clear kubeconfig', async () => {
    const { signed, buyer, scan } = await setup()
    const { transactionID } = (await (await signed('POST', '/api/v2/reservations', reserveBody('consumer-node', 0))).json()) as { transactionID: string }

    const answer = await signed('POST', `/api/v2/transactions/${transactionID}/purchase`, {})

    expect(answer.status).toBe(200)
    const contract = (await answer.json()) as ContractAnswer
    expect(isSealed(contract.peeringTargetCredentials.kubeconfig)).toBe(true)
    expect(contract.peeringTargetCredentials.clusterID).toBe('liqo-provider')
    expect(await buyer.open(contract.peeringTargetCredentials.kubeconfig, { audience: 'consumer-node', contractId: contract.contractID })).toBe(PEERING_KUBECONFIG)
    const stored = JSON.stringify(await scan())
    expect(stored).toContain(contract.peeringTargetCredentials.kubeconfig)
    expect(stored).not.toContain(PEERING_KUBECONFIG)
    expect(stored).not.toContain('provider-cluster-secret')
  })

  it('answers an unsigned FLUIDOS Go buyer (legacy peer) in clear, and still stores neither its kubeconfig nor the provider’s in clear', async () => {
    const { unsigned, scan } = await setup()
    const reserved = await unsigned('POST', '/api/v2/reservations', reserveBody('go-node', 1, GO_BUYER_KUBECONFIG))
    const { transactionID } = (await reserved.json()) as { transactionID: string }

    const answer = await unsigned('POST', `/api/v2/transactions/${transactionID}/purchase`, {})

    expect(reserved.status).toBe(200)
    expect(answer.status).toBe(200)
    expect(((await answer.json()) as ContractAnswer).peeringTargetCredentials.kubeconfig).toBe(PEERING_KUBECONFIG)
    const stored = JSON.stringify(await scan())
    expect(stored).not.toContain(PEERING_KUBECONFIG)
    expect(stored).not.toContain(GO_BUYER_KUBECONFIG)
  })

  async function setup() {
    const table = await createTestTable('node')
    const clock = new FakeClock()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const buyerSigning = generateSigningKey('c1')
    const buyerRing = { current: generateSealingKey('ce1'), previous: [] }
    const config = loadConfig({
      PARTICIPANT_ID: 'provider-1',
      PARTICIPANT_DOMAIN: 'provider.local',
      PARTICIPANT_ENDPOINT: `127.0.0.1:${port}`,
      PARTICIPANT_URL: url,
      TABLE_NAME: table.tableName,
      LIQO_CLUSTER_ID: 'liqo-provider',
      PEERING_KUBECONFIG,
      SIGNING_KEYS: JSON.stringify({ current: generateSigningKey('own') }),
      SEALING_KEYS: JSON.stringify({ current: generateSealingKey('pe1') }),
      LOCAL_UNSIGNED_LOOPBACK: 'false',
    })
    const participant = composeParticipant(config, { table, clock, logger: silentLogger })
    await participant.discovery.peers.put(aPeer({ id: 'consumer-node', publicKeys: [publicPart(buyerSigning), sealingPublicPart(buyerRing.current)] }))
    await participant.discovery.peers.put(aPeer({ id: 'go-node', protocol: 'fluidos-go', legacyUnsigned: { address: '127.0.0.1' } }))
    for (const n of [0, 1]) await publishFlavour(participant.app.provider.flavours, aK8SliceFlavour({ id: flavourId(n) }))
    const app = createApp(participant.app)
    await new Promise<void>((resolve) => servers.push(serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve())))
    const signer = new HttpMessageSigner(keyIdOf('consumer-node', buyerSigning), buyerSigning, clock)
    const signed = async (method: string, path: string, body: unknown) => {
      const init = { method, headers: JSON_HEADERS, body: JSON.stringify(body) }
      return fetch(`${url}${path}`, { ...init, headers: await signer.sign(new Request(`${url}${path}`, init)) })
    }
    const unsigned = (method: string, path: string, body: unknown) => fetch(`${url}${path}`, { method, headers: JSON_HEADERS, body: JSON.stringify(body) })
    const scan = async () => (await table.client.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true }))).Items ?? []
    return { signed, unsigned, scan, buyer: new JweSealer('consumer-node', buyerRing) }
  }
})

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}
