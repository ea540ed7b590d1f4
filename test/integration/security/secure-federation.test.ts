import { afterEach, describe, expect, it } from 'vitest'
import { startTestFederation } from '../../support/test-federation.ts'

const FLAVOUR = 'provider.local-k8slice-a001'
const HOPS = ['consumer-node', 'consumer-supernode', 'provider-supernode', 'provider-node']
const JSON_HEADERS = { 'Content-Type': 'application/json' }

type View = { operationId: string; state: string }

describe('the local federation with --secure', () => {
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop()
  })

  it('completes a chain whose every call between participants is signed', async () => {
    const { url, view } = await setup()
    await fetch(`${url('consumer-node')}/discovery/v1/flavors/k8slice?filter[cpu][range][min]=1`)

    const started = await fetch(`${url('consumer-node')}/chain/v1/operations`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ flavorID: FLAVOUR, providerID: 'provider-node', configuration: { type: 'k8slice', data: { cpu: '1', memory: '1Gi', pods: '1' } } }),
    })
    const { operationId } = (await started.json()) as View

    expect(started.status).toBe(202)
    await expect.poll(async () => (await view('consumer-node', operationId)).state, { timeout: 30_000, interval: 100 }).toBe('purchased')
    for (const id of HOPS) expect((await view(id, operationId)).state, id).toBe('purchased')
  })

  it('answers 401 to an unsigned RESERVE and an unsigned chain message, even from loopback', async () => {
    const { url } = await setup()

    const reserve = await fetch(`${url('provider-node')}/api/v2/reservations`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ flavorID: FLAVOUR, buyerID: { ID: 'attacker', IP: 'x:1', domain: 'x', additionalInformation: { liqoID: 'l' } } }),
    })
    const message = await fetch(`${url('consumer-node')}/rear/v1/chain/messages`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ type: 'RELEASE' }) })

    expect(reserve.status).toBe(401)
    expect(await reserve.json()).toMatchObject({ code: 'SIGNATURE_MISSING' })
    expect(message.status).toBe(401)
    expect(await message.json()).toMatchObject({ code: 'SIGNATURE_MISSING' })
  })

  it('answers 401 to a forged signature naming a registered peer', async () => {
    const { url } = await setup()

    const response = await fetch(`${url('provider-node')}/api/v2/reservations`, {
      method: 'POST',
      headers: {
        ...JSON_HEADERS,
        'Content-Digest': 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:',
        'Signature-Input': `rear=("@method" "@target-uri" "content-digest");created=${Math.floor(Date.now() / 1000)};expires=${Math.floor(Date.now() / 1000) + 60};keyid="provider-supernode#forged";nonce="AAAAAAAAAAAAAAAAAAAAAA";alg="ed25519";tag="rear"`,
        Signature: `rear=:${Buffer.alloc(64).toString('base64')}:`,
      },
      body: '{}',
    })

    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'SIGNATURE_KEY_UNKNOWN' })
  })

  it('lets the agents publish their clusters’ flavours with signed calls, and answers 401 to an unsigned agent call', async () => {
    const { url, at } = await setup({ clusters: true })

    const flavours = await at('provider-node').participant.app.provider.flavours.listAvailable('k8slice')
    const unsigned = await fetch(`${url('provider-node')}/agent/v1/cluster`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ liqoReady: true }) })

    expect(flavours.length).toBeGreaterThan(0)
    expect(unsigned.status).toBe(401)
    expect(await unsigned.json()).toMatchObject({ code: 'SIGNATURE_MISSING' })
  })

  async function setup(options: { clusters?: boolean } = {}) {
    const started = await startTestFederation({ secure: true, ...options })
    stops.push(() => started.federation.stop())
    const view = async (id: string, operationId: string) => (await (await fetch(`${started.url(id)}/chain/v1/operations/${operationId}`)).json()) as View
    return { ...started, view }
  }
})
