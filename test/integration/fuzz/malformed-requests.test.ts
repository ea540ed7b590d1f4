import { describe, expect, it } from 'vitest'
import type { Role } from '../../../core/peers/model.ts'
import type { FuzzRequest } from '../../support/fuzz-corpus.ts'
import { fuzzCorpus } from '../../support/fuzz-corpus.ts'
import { createFuzzParticipant, inParallel, tableChanges } from '../../support/fuzz-participants.ts'

const CONCURRENCY = 8
const MIN_REQUESTS_PER_ROLE = 1_000

interface Outcome {
  request: FuzzRequest
  status: number
  body: string
}

describe.each<Role>(['node', 'supernode', 'catalog'])('malformed requests to a %s on DynamoDB Local', (role) => {
  it('answers every one below 500, stays up and changes nothing in its table', async () => {
    const { corpus, run, app } = await setup()
    expect(corpus.length).toBeGreaterThanOrEqual(MIN_REQUESTS_PER_ROLE)

    const { serverErrors, changed, accepted } = await run(corpus)

    expect.soft(serverErrors, `server errors:\n${serverErrors.join('\n')}`).toHaveLength(0)
    expect(changed, `writes answered 2xx:\n${accepted.join('\n')}`).toEqual([])
    expect((await app.request('/healthz')).status).toBe(200)
    expect((await app.request('/api/v2/flavors')).status).toBe(200)
  })

  async function setup() {
    const participant = await createFuzzParticipant(role)
    const corpus = fuzzCorpus(await participant.document(), { seed: 11, pathValue: participant.pathValue, bodies: participant.bodies, maxBodyBytes: participant.maxBodyBytes })
    const send = async (request: FuzzRequest): Promise<Outcome> => {
      const res = await participant.app.request(request.path, { method: request.method, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) })
      return { request, status: res.status, body: await res.text() }
    }
    const run = async (requests: readonly FuzzRequest[]) => {
      const before = await participant.snapshot()
      const outcomes = await inParallel(requests, send, CONCURRENCY)
      return {
        serverErrors: outcomes.filter((o) => o.status >= 500).map((o) => `${o.status} ${o.request.label}: ${o.body.slice(0, 200)}`),
        changed: tableChanges(before, await participant.snapshot()),
        accepted: outcomes.filter((o) => o.status < 300 && o.request.method !== 'GET').map((o) => `${o.status} ${o.request.label}`),
      }
    }
    return { ...participant, corpus, run }
  }
})
