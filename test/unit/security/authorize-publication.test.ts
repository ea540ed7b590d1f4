import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { Caller } from '../../../core/security/authorize.ts'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import type { AppEnv } from '../../../functions/http/env.ts'
import { onError } from '../../../functions/http/error-handler.ts'
import { correlation } from '../../../functions/http/middleware.ts'
import { publicationRoutes } from '../../../functions/http/relay-routes.ts'
import { aK8SliceFlavour, aPeer, aProvider } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'

const owned = (id: string, cpu = '8') => aK8SliceFlavour({ id, cpu, owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })
const PROVIDER: Caller = { kind: 'peer', id: 'provider-node', keyId: 'provider-node#k1' }
const OTHER: Caller = { kind: 'peer', id: 'other-node', keyId: 'other-node#k1' }

describe('publication authorisation', () => {
  it.each([
    ['PUT', { flavors: [flavourToWire(owned('provider.local-k8slice-9999', '64'))] }],
    ['DELETE', undefined],
  ])('refuses %s of provider-node set signed by another registered peer: 403 NOT_YOUR_PUBLICATION, the set unchanged', async (method, body) => {
    const { send, offered } = await setup()
    await send('PUT', PROVIDER, { flavors: [flavourToWire(owned('provider.local-k8slice-0001'))] })
    const res = await send(method, OTHER, body)
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'NOT_YOUR_PUBLICATION' })
    expect(await offered()).toEqual(['provider.local-k8slice-0001'])
  })

  it("refuses this participant's agent", async () => {
    const { send } = await setup()
    expect((await send('DELETE', { kind: 'agent', id: 'provider-node', keyId: 'x#agent' })).status).toBe(403)
  })

  it('lets the publisher replace and withdraw its own set', async () => {
    const { send, offered } = await setup()
    expect((await send('PUT', PROVIDER, { flavors: [flavourToWire(owned('provider.local-k8slice-0001'))] })).status).toBe(200)
    expect(await offered()).toEqual(['provider.local-k8slice-0001'])
    expect(await (await send('DELETE', PROVIDER)).json()).toEqual({ accepted: 0, withdrawn: 1 })
    expect(await offered()).toEqual([])
  })

  it.each([
    ['unsigned from loopback', { kind: 'unsigned', reason: 'loopback' } as Caller],
    ['with no signature middleware', undefined],
  ])('serves a caller %s as before, registered peers only', async (_what, caller) => {
    const { send } = await setup()
    expect((await send('PUT', caller, { flavors: [flavourToWire(owned('provider.local-k8slice-0001'))] })).status).toBe(200)
    expect((await send('PUT', caller, { flavors: [] }, 'stranger-node')).status).toBe(403)
  })

  it('still refuses a signed publisher that is not a registered peer', async () => {
    const { send } = await setup()
    const res = await send('PUT', { kind: 'peer', id: 'stranger-node', keyId: 'stranger-node#k1' }, { flavors: [] }, 'stranger-node')
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN' })
  })

  async function setup() {
    const supernode = await createInMemoryParticipant({
      role: 'supernode',
      env: { PARTICIPANT_ID: 'provider-supernode', PARTICIPANT_DOMAIN: 'provider.local' },
      peers: [aPeer({ id: 'provider-node' }), aPeer({ id: 'other-node' })],
    })
    const send = (method: string, caller: Caller | undefined, body?: unknown, publisher = 'provider-node') => {
      const app = new Hono<AppEnv>()
      app.use('*', correlation(new RecordingLogger(), 'provider-supernode'))
      app.use('*', async (c, next) => {
        if (caller) c.set('caller', caller)
        await next()
      })
      app.onError(onError)
      app.route('/', publicationRoutes(supernode.participant.app.publication!))
      return app.request(`/rear/v1/publications/${publisher}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
      })
    }
    const offered = async () => [...supernode.published.entries.values()].map((entry) => entry.flavour.id)
    return { send, offered }
  }
})
