import { describe, expect, it } from 'vitest'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'
import { aK8SliceFlavour, aProvider } from '../../support/factories.ts'

describe('starting a chain without a fresh candidate, as a new user of npm start does', () => {
  it('says to run discovery first, and that candidates age', async () => {
    const { start } = await setup()
    const res = await start()
    expect(res.status).toBe(404)
    expect(res.body.code).toBe('CANDIDATE_NOT_FOUND')
    expect(res.body.message).toContain('provider-node')
    expect(res.body.message).toContain('GET /discovery/v1/flavors/')
    expect(res.body.message).toContain('CANDIDATE_TTL_SECONDS')
  })

  it('says the same once the discovered candidate has aged out', async () => {
    const { start, consumer, candidate } = await setup()
    await consumer.candidates.put([candidate()])
    consumer.clock.advance(301_000)
    const res = await start()
    expect(res.status).toBe(404)
    expect(res.body.message).toContain('GET /discovery/v1/flavors/')
  })

  async function setup() {
    const consumer = await createInMemoryParticipant({ env: { PARTICIPANT_ID: 'consumer-node', PARTICIPANT_DOMAIN: 'consumer.local' } })
    const flavour = aK8SliceFlavour({ cpu: '8', memory: '16Gi', owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })
    const candidate = () => ({ flavour, route: ['consumer-supernode', 'provider-node'], seenAt: consumer.clock.now(), expiresAt: new Date(consumer.clock.now().getTime() + 300_000) })
    const start = () =>
      consumer.request('POST', '/chain/v1/operations', { flavorID: flavour.id, providerID: 'provider-node', configuration: { type: 'k8slice', data: { cpu: '2', memory: '4Gi', pods: '10' } } })
    return { consumer, candidate, start }
  }
})
