import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb'
import { silentLogger } from '../../adapters/logging/json-logger.ts'
import type { ChainMessage } from '../../core/chain/model.ts'
import { publishFlavour } from '../../core/flavours/publish-flavour.ts'
import type { Role } from '../../core/peers/model.ts'
import { flavourToWire } from '../../core/wire/flavour-codec.ts'
import { composeParticipant } from '../../functions/composition.ts'
import { loadConfig } from '../../functions/config.ts'
import { createApp } from '../../functions/http/create-app.ts'
import { generateSigningKey } from '../../adapters/security/ed25519-keys.ts'
import { HttpMessageSigner } from '../../adapters/security/http-signatures.ts'
import { keyIdOf, publicPart } from '../../core/security/keys.ts'
import type { PrivateJwk } from '../../core/security/ports.ts'
import { createTestTable } from './dynamo-test-table.ts'
import { InMemoryAgentInbox } from './in-memory-agent-inbox.ts'
import { aK8SliceFlavour, aProvider, aServiceFlavour } from './factories.ts'
import { FakeClock } from './fake-clock.ts'
import type { OpenApiDocument } from './fuzz-corpus.ts'
import { SequentialIds } from './sequential-ids.ts'

const SELF = 'provider-1'
const PUBLISHER = 'publisher-1'
const buyer = (id: string) => ({ ID: id, IP: '127.0.0.1:30000', domain: 'consumer.local', additionalInformation: { liqoID: `liqo-${id}`, kubeconfig: 'a3ViZWNvbmZpZw==' } })
const k8sliceReserve = { flavorID: 'provider.local-k8slice-0001', buyerID: buyer('consumer-1'), configuration: { type: 'k8slice', data: { cpu: '2', memory: '4Gi', pods: '10' } } }
const serviceReserve = {
  flavorID: 'provider.local-service-0001',
  buyerID: buyer('consumer-2'),
  configuration: { type: 'service', data: { hostingPolicy: 'Provider', configurationData: { username: 'u', password: 'p', database: 'd', options: { pool: [1, 2] } } } },
}
const published = aK8SliceFlavour({ id: 'publisher.local-k8slice-0001', owner: aProvider({ id: PUBLISHER, domain: 'publisher.local' }) })

/** Valid bodies of each operation, which the corpus breaks; they name the seeded flavours, so a body that slipped through would show in the table. */
function seedBodies(role: Role): Record<string, readonly unknown[]> {
  return {
    'POST /api/v2/reservations': [k8sliceReserve, serviceReserve],
    'POST /api/v2/transactions/{id}/purchase': [{}, { liqoCredentials: { clusterID: 'liqo-c', kubeconfig: 'a3ViZQ==' }, ingressTelemetryEndpoint: { endpoint: 'http://t.local', intents: ['latency'] } }],
    'POST /chain/v1/operations': [{ flavorID: 'provider.local-k8slice-0001', providerID: PUBLISHER, configuration: k8sliceReserve.configuration, deferPurchase: true }],
    'POST /rear/v1/relay/list-flavours': [{ type: 'k8slice', selector: 'filter[cpu][range][min]=1', visited: ['consumer-node'], hopsLeft: 2, correlationId: 'fuzz-1', budgetMs: 500 }],
    'POST /rear/v1/chain/messages': [
      {
        id: 'chain-fuzz#RESERVE#consumer-node',
        chainId: 'chain-fuzz',
        from: 'consumer-node',
        to: SELF,
        route: ['consumer-node', SELF],
        replyTo: 'http://127.0.0.1:30000',
        payload: { type: 'RESERVE', buyer: buyer('consumer-node'), flavorID: 'provider.local-k8slice-0001', providerID: SELF, configuration: k8sliceReserve.configuration },
        sentAt: '2026-01-01T00:00:00.000Z',
      },
    ],
    'POST /admin/v1/flavours': [flavourToWire(aK8SliceFlavour()), flavourToWire(aServiceFlavour())],
    'PUT /admin/v1/peers/{id}': [{ role: role === 'node' ? 'supernode' : 'node', domain: 'publisher.local', baseUrl: 'http://127.0.0.1:9', protocol: 'rear-cloud' }],
    'PUT /rear/v1/publications/{publisherId}': [{ flavors: [flavourToWire(published)] }],
  }
}

/** Where a signed fuzz participant says it lives: signatures are checked against this URL, and its Host must be this one. */
export const SIGNED_SELF_URL = 'http://127.0.0.1:30001'
/** The peers whose keys a signed fuzz participant knows (`PEER_PUBLIC_KEYS`); `retired-peer`'s key lapsed before the clock starts. */
export const SIGNING_PEERS = ['consumer-1', 'consumer-2', 'consumer-3', 'consumer-4', 'consumer-node', PUBLISHER, 'other-peer', 'retired-peer'] as const
export const FUZZ_AGENT_TOKEN = 'fuzz-agent-token-0123456789'

/** Signers of a signed fuzz participant: each peer's key and the agent's, with the keyid each signs as. */
export interface FuzzSigners {
  peers: Record<string, PrivateJwk>
  agent: PrivateJwk
  keyId: (owner: string) => string
}

function signedEnvironment(): { env: Record<string, string>; signers: FuzzSigners } {
  const peers = Object.fromEntries(SIGNING_PEERS.map((id) => [id, generateSigningKey(`${id}-k1`)]))
  const agent = generateSigningKey('a1')
  const lapsed = Math.floor(new Date('2025-12-01T00:00:00Z').getTime() / 1000)
  const directory = Object.fromEntries(SIGNING_PEERS.map((id) => [id, [{ ...publicPart(peers[id]!), ...(id === 'retired-peer' ? { exp: lapsed } : {}) }]]))
  return {
    env: {
      SIGNING_KEYS: JSON.stringify({ current: generateSigningKey('self-k1') }),
      PEER_PUBLIC_KEYS: JSON.stringify(directory),
      AGENT_PUBLIC_KEYS: JSON.stringify({ keys: [publicPart(agent)] }),
      AGENT_TOKEN: FUZZ_AGENT_TOKEN,
      PARTICIPANT_URL: SIGNED_SELF_URL,
      ALLOWED_HOSTS: new URL(SIGNED_SELF_URL).host,
      LOCAL_UNSIGNED_LOOPBACK: 'false',
    },
    signers: { peers, agent, keyId: (owner) => (owner === 'agent' ? keyIdOf('agent', agent) : keyIdOf(owner, peers[owner]!)) },
  }
}

/**
 * A participant of `role` composed as in the cloud on its own DynamoDB Local table, with state to
 * break requests against: two flavours, a live reservation, a contract, a registered peer and (on
 * aggregators) its publication. Chain messages are recorded instead of queued; peers are unreachable.
 */
export async function createFuzzParticipant(role: Role, options: { signed?: boolean } = {}) {
  const table = await createTestTable(`fuzz-${options.signed ? 'signed-' : ''}${role}`)
  const queued: ChainMessage[] = []
  const clock = new FakeClock()
  const signed = options.signed ? signedEnvironment() : undefined
  const agentInbox = signed ? new InMemoryAgentInbox() : undefined
  const config = loadConfig({
    ...signed?.env,
    REAR_ROLE: role,
    PARTICIPANT_ID: SELF,
    PARTICIPANT_DOMAIN: 'provider.local',
    PARTICIPANT_ENDPOINT: '127.0.0.1:30001',
    TABLE_NAME: table.tableName,
    LIQO_CLUSTER_ID: 'liqo-provider',
    PEERING_KUBECONFIG: 'cHJvdmlkZXIta3ViZWNvbmZpZw==',
  })
  const participant = composeParticipant(config, {
    table,
    clock,
    ids: new SequentialIds(),
    ...(agentInbox ? { agentInbox } : {}),
    logger: silentLogger,
    queues: { chain: { enqueue: async (message) => void queued.push(message) }, agent: { send: async () => {} } },
    fetch: async (input) => Promise.reject(new Error(`no network in the fuzz suite: ${String(input)}`)),
  })
  const app = createApp(participant.app)
  const base = signed ? SIGNED_SELF_URL : 'http://localhost'
  const call = async (method: string, path: string, body?: unknown, signer?: string) => {
    let request = new Request(`${base}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }) })
    if (signed && signer) {
      const headers = await new HttpMessageSigner(signed.signers.keyId(signer), signed.signers.peers[signer]!, clock).sign(request.clone())
      request = new Request(request, { headers })
    }
    const res = await app.request(request)
    if (res.status >= 300) throw new Error(`seeding ${method} ${path} answered ${res.status}: ${await res.text()}`)
    return (await res.json()) as Record<string, string>
  }

  for (const flavour of [aK8SliceFlavour(), aServiceFlavour()]) await publishFlavour(participant.app.provider.flavours, flavour)
  await participant.discovery.peers.put({ id: PUBLISHER, role: role === 'node' ? 'supernode' : 'node', domain: 'publisher.local', baseUrl: 'http://127.0.0.1:9', protocol: 'rear-cloud' })
  const reserved = await call('POST', '/api/v2/reservations', k8sliceReserve, 'consumer-1')
  const sold = await call('POST', '/api/v2/reservations', serviceReserve, 'consumer-2')
  const contract = await call('POST', `/api/v2/transactions/${sold.transactionID}/purchase`, { liqoCredentials: { clusterID: 'liqo-consumer-2', kubeconfig: 'a3ViZQ==' } }, 'consumer-2')
  const held = signed ? await call('POST', '/api/v2/reservations', { ...k8sliceReserve, buyerID: buyer('consumer-3'), configuration: { type: 'k8slice', data: { cpu: '1', memory: '1Gi', pods: '1' } } }, 'consumer-3') : undefined
  const now = new Date('2026-01-01T00:00:00Z')
  await participant.discovery.published?.put([{ flavour: published, route: [PUBLISHER], seenAt: now, expiresAt: new Date(now.getTime() + 3_600_000) }])

  const ids: Record<string, string> = {
    '/api/v2/flavors/{type}': 'k8slice',
    '/discovery/v1/flavors/{type}': 'k8slice',
    '/api/v2/transactions/{id}/purchase': reserved.transactionID!,
    '/admin/v1/transactions/{id}': reserved.transactionID!,
    '/admin/v1/contracts/{id}': contract.contractID!,
    '/admin/v1/peers/{id}': PUBLISHER,
    '/rear/v1/publications/{publisherId}': PUBLISHER,
  }
  const bodies = seedBodies(role)

  /**
   * Every item of the participant's table but the audit trail (which records refusals too) and the relay
   * visits (which a well-formed relay the corpus sends leaves, as it must), in key order: what a bad request must leave as it was.
   */
  async function snapshot(): Promise<Record<string, NativeAttributeValue>[]> {
    const items: Record<string, NativeAttributeValue>[] = []
    let start: Record<string, NativeAttributeValue> | undefined
    do {
      const page = await table.client.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }))
      items.push(...(page.Items ?? []))
      start = page.LastEvaluatedKey
    } while (start)
    return items.filter((item) => item.kind !== 'audit' && item.kind !== 'relay-visit').sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`))
  }

  return {
    app,
    queued,
    snapshot,
    clock,
    transactions: { reserved: reserved.transactionID!, sold: sold.transactionID!, ...(held ? { held: held.transactionID! } : {}) },
    ...(signed ? { signers: signed.signers, agentInbox: agentInbox! } : {}),
    maxBodyBytes: config.maxBodyBytes,
    document: async () => (await (await app.request('/openapi.json')).json()) as OpenApiDocument,
    pathValue: (template: string, _name: string) => ids[template] ?? 'fuzz-absent-id',
    bodies: (method: string, template: string) => bodies[`${method} ${template}`] ?? [],
  }
}

type Item = Record<string, unknown>

/** What differs between two snapshots of a table, one line per item: `added`, `removed` or `changed`, then its key. */
export function tableChanges(before: readonly Item[], after: readonly Item[]): string[] {
  const keyed = (items: readonly Item[]) => new Map(items.map((item) => [`${item.pk} ${item.sk}`, JSON.stringify(item)]))
  const [was, is] = [keyed(before), keyed(after)]
  return [...new Set([...was.keys(), ...is.keys()])]
    .filter((key) => was.get(key) !== is.get(key))
    .map((key) => `${was.has(key) ? (is.has(key) ? 'changed' : 'removed') : 'added'} ${key}`)
}

/** Sends every one of `requests` with `concurrency` in flight at once; the outcomes come back in completion order. */
export async function inParallel<R, O>(requests: readonly R[], send: (request: R) => Promise<O>, concurrency = 8): Promise<O[]> {
  const outcomes: O[] = []
  let next = 0
  const worker = async () => {
    while (next < requests.length) outcomes.push(await send(requests[next++]!))
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return outcomes
}
