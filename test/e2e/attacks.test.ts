import { afterEach, describe, expect, it } from 'vitest'
import { generateSigningKey } from '../../adapters/security/ed25519-keys.ts'
import { HttpMessageSigner } from '../../adapters/security/http-signatures.ts'
import type { ChainPayload } from '../../core/chain/model.ts'
import { keyIdOf, publicPart } from '../../core/security/keys.ts'
import { systemClock } from '../../core/shared/system-clock.ts'
import { chainMessageToWire } from '../../core/wire/chain-codec.ts'
import { flavourToWire } from '../../core/wire/flavour-codec.ts'
import { aK8SliceFlavour, aPeer, aProvider } from '../support/factories.ts'
import { startTestFederation } from '../support/test-federation.ts'

const FLAVOUR = 'provider.local-k8slice-a001'
const ROUTE = ['consumer-node', 'consumer-supernode', 'provider-supernode', 'provider-node']
const small = { type: 'k8slice', data: { cpu: '1', memory: '1Gi', pods: '1' } }
const JSON_HEADERS = { 'Content-Type': 'application/json' }

type View = { operationId: string; state: string; allocationID: string | null; downstreamTransactionID: string | null }

describe('the attacks of issue 14, by a registered peer signing as itself', () => {
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop()
  })

  it('forged RESERVE_OK and PURCHASE_OK "from consumer-supernode": 403 SENDER_NOT_SIGNER, the chain stays reserved with nothing allocated, and then buys for real', async () => {
    const { start, view, waitFor, attacker, scan, url } = await setup()
    const started = await start()
    await waitFor(started.operationId, ['reserved'])
    const forge = (payload: ChainPayload) => attacker.sendChain('consumer-node', { chainId: started.operationId, from: 'consumer-supernode', payload })
    const reserveOk = await forge({ type: 'RESERVE_OK', transactionId: 'tx-forged', expiresAt: new Date(Date.now() + 3_600_000) })
    const purchaseOk = await forge({ type: 'PURCHASE_OK', contractId: 'contract-forged' })
    for (const res of [reserveOk, purchaseOk]) {
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ code: 'SENDER_NOT_SIGNER' })
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await view('consumer-node', started.operationId)).toMatchObject({ state: 'reserved', allocationID: null })
    expect(await scan('consumer-node', 'allocation')).toEqual([])
    expect((await fetch(`${url('consumer-node')}/chain/v1/operations/${started.operationId}/purchase`, { method: 'POST', headers: JSON_HEADERS, body: '{}' })).status).toBe(202)
    await waitFor(started.operationId, ['purchased'])
  })

  it('a forged RELEASE "from provider-supernode" to the provider: 403, its hold stays reserved', async () => {
    const { start, view, waitFor, attacker, scan } = await setup()
    const started = await start()
    await waitFor(started.operationId, ['reserved'])
    const res = await attacker.sendChain('provider-node', { chainId: started.operationId, from: 'provider-supernode', payload: { type: 'RELEASE', reason: 'forged' } })
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'SENDER_NOT_SIGNER' })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect((await view('provider-node', started.operationId)).state).toBe('reserved')
    expect((await scan('provider-node', 'transaction')).filter((t) => t.status === 'reserved')).toHaveLength(1)
  })

  it("provider-node's publication at its supernode, forged with a 64-CPU flavour or wiped: 403 NOT_YOUR_PUBLICATION, the real set still offered", async () => {
    const { attacker, url } = await setup()
    const published = async () => ((await (await fetch(`${url('provider-supernode')}/admin/v1/publications?limit=500`)).json()) as { entries: { flavorID: string }[] }).entries.map((e) => e.flavorID).sort()
    const before = await published()
    expect(before).toContain(FLAVOUR)
    const fake = aK8SliceFlavour({ id: 'provider.local-k8slice-fake', cpu: '64', owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })
    const replaced = await attacker.send('provider-supernode', 'PUT', '/rear/v1/publications/provider-node', { flavors: [flavourToWire(fake)] })
    const wiped = await attacker.send('provider-supernode', 'DELETE', '/rear/v1/publications/provider-node')
    for (const res of [replaced, wiped]) {
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ code: 'NOT_YOUR_PUBLICATION' })
    }
    expect(await published()).toEqual(before)
  })

  async function setup() {
    const federation = await startTestFederation({ env: { HOP_TIMEOUT_SECONDS: '20' } })
    stops.push(() => federation.federation.stop())
    const { url, at } = federation
    await fetch(`${url('consumer-node')}/discovery/v1/flavors/k8slice?filter[cpu][range][min]=1`)
    const key = generateSigningKey()
    const signer = new HttpMessageSigner(keyIdOf('attacker-node', key), key, systemClock)
    for (const target of ['consumer-node', 'provider-node', 'provider-supernode']) {
      await at(target).participant.discovery.peers.put(aPeer({ id: 'attacker-node', domain: 'attacker.example', baseUrl: 'http://127.0.0.1:1', publicKeys: [publicPart(key)] }))
    }
    const send = async (target: string, method: string, path: string, body?: unknown) => {
      const init = body === undefined ? { method } : { method, headers: JSON_HEADERS, body: JSON.stringify(body) }
      const headers = await signer.sign(new Request(`${url(target)}${path}`, init))
      return fetch(`${url(target)}${path}`, { ...init, headers })
    }
    const sendChain = (to: string, message: { chainId: string; from: string; payload: ChainPayload }) =>
      send(to, 'POST', '/rear/v1/chain/messages', chainMessageToWire({ id: `${message.chainId}:${message.payload.type}:${message.from}`, to, route: ROUTE, sentAt: new Date(), ...message }))
    const start = async () => {
      const res = await fetch(`${url('consumer-node')}/chain/v1/operations`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ flavorID: FLAVOUR, providerID: 'provider-node', configuration: small, deferPurchase: true }),
      })
      expect(res.status).toBe(202)
      return (await res.json()) as View
    }
    const view = (id: string, operationId: string) => federation.view<View>(id, operationId)
    const waitFor = (operationId: string, states: string[], timeoutMs?: number) => federation.waitFor<View>(operationId, states, timeoutMs)
    return { ...federation, start, view, waitFor, attacker: { send, sendChain } }
  }
})
