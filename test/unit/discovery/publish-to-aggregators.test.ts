import { describe, expect, it } from 'vitest'
import { HttpPeerGateway } from '../../../adapters/http/http-peer-gateway.ts'
import { publishToAggregators } from '../../../core/discovery/publish-to-aggregators.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { InMemoryPeers } from '../../support/in-memory-discovery.ts'
import { InMemoryProviderStore } from '../../support/in-memory-provider-store.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'
import { aK8SliceFlavour, aPeer, aProvider } from '../../support/factories.ts'

const owner = aProvider({ id: 'provider-node' })
const flavours = (count: number) => Array.from({ length: count }, (_, i) => aK8SliceFlavour({ id: `provider.local-k8slice-${String(i).padStart(4, '0')}`, owner }))

describe(publishToAggregators.name, () => {
  it('publishes 503 flavours to an aggregator that takes 256 KiB bodies, in parts it accepts', async () => {
    const { publish, aggregator, bodies } = await setup(flavours(503))
    expect(await publish()).toEqual({ published: 1, failed: [] })
    expect(aggregator.published.entries.size).toBe(503)
    expect(bodies.length).toBeGreaterThan(1)
    expect(Math.max(...bodies.map((b) => b.length))).toBeLessThanOrEqual(128 * 1024)
  })

  it('withdraws what is no longer published once the last part of the next publication arrives', async () => {
    const { publish, aggregator, store } = await setup(flavours(600))
    expect(await publish()).toEqual({ published: 1, failed: [] })
    for (const flavour of flavours(600).slice(0, 70)) store.flavours.delete(flavour.id)
    expect(await publish()).toEqual({ published: 1, failed: [] })
    expect(aggregator.published.entries.size).toBe(530)
  })

  async function setup(offered: ReturnType<typeof flavours>) {
    const aggregator = await createInMemoryParticipant({
      role: 'supernode',
      env: { PARTICIPANT_ID: 'provider-supernode' },
      peers: [aPeer({ id: 'provider-node' })],
    })
    const bodies: string[] = []
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      bodies.push(String(init?.body ?? ''))
      return aggregator.app.request(String(input), init)
    }) as typeof globalThis.fetch
    const store = new InMemoryProviderStore()
    for (const flavour of offered) await publishFlavour(store.flavourRepository, flavour)
    const publish = () =>
      publishToAggregators({
        self: { id: 'provider-node', domain: 'provider.local' },
        flavours: store.flavourRepository,
        peers: new InMemoryPeers([aPeer({ id: 'provider-supernode', role: 'supernode', baseUrl: 'http://provider-supernode.test' })]),
        publications: new HttpPeerGateway('provider-node', fetch),
        clock: new FakeClock(),
        logger: new RecordingLogger(),
        timeoutMs: 1000,
      })
    return { publish, aggregator, store, bodies }
  }
})
