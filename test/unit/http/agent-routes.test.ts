import { describe, expect, it } from 'vitest'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { capacityOf } from '../../../core/flavours/partitioning.ts'
import { aK8SliceFlavour, aServiceFlavour, aTransaction } from '../../support/factories.ts'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

const AGENT = 'agent-token-0123456789'
const ADMIN = 'admin-token-0123456789'
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

describe('GET /agent/v1/commands', () => {
  it('hands out the queued commands with id, receipt, type, payload and receive count, and records each', async () => {
    const { request, agentInbox, agentRecords } = await setup()
    agentInbox.push('DEPLOY_VIRTUAL_ROUTER', { contractId: 'contract-1', peers: ['consumer-1'] })
    const res = await request('GET', '/agent/v1/commands?wait=20&max=10')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      commands: [{ id: 'cmd-1', receipt: 'receipt-1', type: 'DEPLOY_VIRTUAL_ROUTER', payload: { contractId: 'contract-1', peers: ['consumer-1'] }, receivedCount: 1 }],
    })
    expect(agentInbox.waits).toEqual([20])
    expect((await agentRecords.get('cmd-1'))?.outcome).toBe('received')
  })

  it('answers an empty list when nothing waits, without waiting by default', async () => {
    const { request, agentInbox } = await setup()
    expect((await request('GET', '/agent/v1/commands')).body).toEqual({ commands: [] })
    expect(agentInbox.waits).toEqual([0])
  })

  it('hands a command out again, counted, when it was not acknowledged in time', async () => {
    const { request, agentInbox } = await setup()
    agentInbox.push('DEPLOY_VIRTUAL_ROUTER')
    await request('GET', '/agent/v1/commands')
    expect((await request('GET', '/agent/v1/commands')).body.commands).toEqual([])
    agentInbox.redeliver()
    expect((await request('GET', '/agent/v1/commands')).body.commands).toEqual([expect.objectContaining({ id: 'cmd-1', receivedCount: 2 })])
  })

  it.each(['wait=21', 'wait=-1', 'wait=soon', 'max=0', 'max=11', 'other=1'])('refuses ?%s with 400 naming the parameter', async (query) => {
    const { request } = await setup()
    const res = await request('GET', `/agent/v1/commands?${query}`)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('INVALID_PARAMETER')
  })

  async function setup() {
    return createInMemoryParticipant()
  }
})

describe('POST /agent/v1/commands/{id}/result', () => {
  it('deletes the command when done and records the outcome; the same report again acts once', async () => {
    const { request, agentInbox, receipt } = await setup()
    const first = await request('POST', '/agent/v1/commands/cmd-1/result', { receipt, outcome: 'done', detail: 'gateway ready' })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ id: 'cmd-1', type: 'DEPLOY_VIRTUAL_ROUTER', outcome: 'done', detail: 'gateway ready', receivedCount: 1 })
    expect(agentInbox.deleted).toEqual(['cmd-1'])
    const again = await request('POST', '/agent/v1/commands/cmd-1/result', { receipt, outcome: 'done' })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ outcome: 'done', detail: 'gateway ready' })
    expect((await request('GET', '/agent/v1/commands/cmd-1')).body).toMatchObject({ outcome: 'done' })
  })

  it('deletes a failed command and keeps the reason for operators', async () => {
    const { request, agentInbox, receipt } = await setup()
    await request('POST', '/agent/v1/commands/cmd-1/result', { receipt, outcome: 'failed', detail: 'gateway never became ready' })
    expect(agentInbox.deleted).toEqual(['cmd-1'])
    expect((await request('GET', '/agent/v1/commands/cmd-1')).body).toMatchObject({ outcome: 'failed', detail: 'gateway never became ready' })
  })

  it('keeps the first final outcome when a different one arrives late', async () => {
    const { request, receipt } = await setup()
    await request('POST', '/agent/v1/commands/cmd-1/result', { receipt, outcome: 'done' })
    expect((await request('POST', '/agent/v1/commands/cmd-1/result', { receipt, outcome: 'failed', detail: 'late' })).body).toMatchObject({ outcome: 'done' })
  })

  it('extends the command’s visibility on progress, leaving it queued', async () => {
    const { request, agentInbox, receipt } = await setup()
    const res = await request('POST', '/agent/v1/commands/cmd-1/result', { receipt, outcome: 'progress', detail: 'peering' })
    expect(res.body).toMatchObject({ outcome: 'progress', detail: 'peering' })
    expect(agentInbox.queued[0]?.extendedBy).toEqual([60])
    expect(agentInbox.deleted).toEqual([])
  })

  it('answers 409 to progress on a finished command or on a receipt that names no delivery', async () => {
    const { request, receipt } = await setup()
    expect((await request('POST', '/agent/v1/commands/cmd-1/result', { receipt: 'receipt-99', outcome: 'progress' })).body.code).toBe('AGENT_RECEIPT_INVALID')
    await request('POST', '/agent/v1/commands/cmd-1/result', { receipt, outcome: 'done' })
    const late = await request('POST', '/agent/v1/commands/cmd-1/result', { receipt, outcome: 'progress' })
    expect(late.status).toBe(409)
    expect(late.body.code).toBe('AGENT_COMMAND_ENDED')
  })

  it.each([
    ['no receipt', { outcome: 'done' }],
    ['an unknown outcome', { receipt: 'receipt-1', outcome: 'maybe' }],
    ['an unknown field', { receipt: 'receipt-1', outcome: 'done', extra: 1 }],
    ['a receipt over 2,048 characters', { receipt: 'r'.repeat(2049), outcome: 'done' }],
    ['a detail over 4,096 characters', { receipt: 'receipt-1', outcome: 'failed', detail: 'd'.repeat(4097) }],
  ])('refuses %s with 400', async (_what, body) => {
    const { request } = await setup()
    const res = await request('POST', '/agent/v1/commands/cmd-1/result', body)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('INVALID_BODY')
  })

  it('refuses malformed JSON and a bad command id', async () => {
    const { request } = await setup()
    expect((await request('POST', '/agent/v1/commands/cmd-1/result', '{')).body.code).toBe('MALFORMED_JSON')
    expect((await request('POST', `/agent/v1/commands/${'x'.repeat(300)}/result`, { receipt: 'r', outcome: 'done' })).body.code).toBe('INVALID_PATH_PARAMETER')
  })

  async function setup() {
    const participant = await createInMemoryParticipant()
    participant.agentInbox.push('DEPLOY_VIRTUAL_ROUTER', { contractId: 'contract-1' })
    const { commands } = (await participant.request('GET', '/agent/v1/commands')).body as { commands: { receipt: string }[] }
    return { ...participant, receipt: commands[0]!.receipt }
  }
})

describe('GET /agent/v1/commands/{id}', () => {
  it('answers 404 for a command never handed out, and 405 to other methods', async () => {
    const { request } = await setup()
    expect((await request('GET', '/agent/v1/commands/cmd-9')).status).toBe(404)
    expect((await request('DELETE', '/agent/v1/commands/cmd-9')).status).toBe(405)
  })

  async function setup() {
    return createInMemoryParticipant()
  }
})

describe('PUT /agent/v1/flavours/{id}', () => {
  it('publishes an unknown id (201), then refreshes it in place (200), listed once with the new characteristics', async () => {
    const { request } = await setup()
    const flavour = aK8SliceFlavour({ id: 'provider.local-k8slice-node1' })
    expect((await request('PUT', `/agent/v1/flavours/${flavour.id}`, flavourToWire(flavour))).status).toBe(201)
    const refreshed = await request('PUT', `/agent/v1/flavours/${flavour.id}`, flavourToWire(aK8SliceFlavour({ id: flavour.id, cpu: '4' })))
    expect(refreshed.status).toBe(200)
    const listed = (await request('GET', '/api/v2/flavors')).body as { flavorID: string; type: { data: { charateristics: { cpu: string } } } }[]
    expect(listed.map((f) => [f.flavorID, f.type.data.charateristics.cpu])).toEqual([[flavour.id, '4']])
  })

  it('moves the pool by the difference and keeps holds; delivered twice, it acts once', async () => {
    const { request, store } = await setup()
    await request('PUT', `/agent/v1/flavours/${aK8SliceFlavour().id}`, flavourToWire(aK8SliceFlavour()))
    await store.reservationRepository.createHold(aTransaction())
    const smaller = flavourToWire(aK8SliceFlavour({ cpu: '6' }))
    await request('PUT', `/agent/v1/flavours/${aK8SliceFlavour().id}`, smaller)
    await request('PUT', `/agent/v1/flavours/${aK8SliceFlavour().id}`, smaller)
    expect(store.pools.get(aK8SliceFlavour().id)?.free.cpu).toBe(capacityOf(aK8SliceFlavour({ cpu: '4' })).cpu)
    expect(store.transactions.get('tx-0001')?.status).toBe('reserved')
  })

  it('defaults owner, provider and timestamp to this participant, as the admin API does', async () => {
    const { request } = await setup()
    const { owner: _owner, providerID: _provider, timestamp: _timestamp, ...bare } = flavourToWire(aK8SliceFlavour())
    const res = await request('PUT', `/agent/v1/flavours/${aK8SliceFlavour().id}`, bare)
    expect(res.status).toBe(201)
    expect(res.body.providerID).toBe('provider-1')
  })

  it('refuses a body whose flavorID is not the path’s, an invalid flavour, and a type change', async () => {
    const { request } = await setup()
    const id = aK8SliceFlavour().id
    expect((await request('PUT', `/agent/v1/flavours/${id}`, flavourToWire(aK8SliceFlavour({ id: 'another' })))).status).toBe(400)
    expect((await request('PUT', `/agent/v1/flavours/${id}`, { flavorID: id })).status).toBe(400)
    await request('PUT', `/agent/v1/flavours/${id}`, flavourToWire(aK8SliceFlavour()))
    const changed = await request('PUT', `/agent/v1/flavours/${id}`, flavourToWire({ ...aServiceFlavour(), id }))
    expect(changed.status).toBe(409)
    expect(changed.body.code).toBe('FLAVOUR_TYPE_CHANGED')
  })

  async function setup() {
    return createInMemoryParticipant()
  }
})

describe('DELETE /agent/v1/flavours/{id}', () => {
  it('withdraws the flavour (204), again harmlessly, keeping its holds; an unknown id is a 404', async () => {
    const { request, store } = await setup()
    await store.reservationRepository.createHold(aTransaction())
    expect((await request('DELETE', `/agent/v1/flavours/${aK8SliceFlavour().id}`)).status).toBe(204)
    expect((await request('DELETE', `/agent/v1/flavours/${aK8SliceFlavour().id}`)).status).toBe(204)
    expect((await request('GET', '/api/v2/flavors')).status).toBe(204)
    expect(store.transactions.get('tx-0001')?.status).toBe('reserved')
    expect((await request('DELETE', '/agent/v1/flavours/unknown')).status).toBe(404)
    expect((await request('POST', '/agent/v1/flavours/unknown')).status).toBe(405)
  })

  async function setup() {
    return createInMemoryParticipant({ flavours: [aK8SliceFlavour()] })
  }
})

describe('agent credential', () => {
  it('opens /agent/* with the agent token only, and /admin/* with the admin token only', async () => {
    const { request } = await setup()
    expect((await request('GET', '/agent/v1/commands')).status).toBe(401)
    expect((await request('GET', '/agent/v1/commands', undefined, bearer(ADMIN))).status).toBe(401)
    expect((await request('GET', '/agent/v1/commands', undefined, bearer(AGENT))).status).toBe(200)
    expect((await request('GET', '/admin/v1/candidates', undefined, bearer(AGENT))).status).toBe(401)
    expect((await request('GET', '/admin/v1/candidates', undefined, bearer(ADMIN))).status).toBe(200)
    expect((await request('DELETE', `/agent/v1/flavours/${aK8SliceFlavour().id}`, undefined, bearer(ADMIN))).status).toBe(401)
  })

  it('refuses an agent token shorter than 16 characters at configuration', async () => {
    await expect(createInMemoryParticipant({ env: { AGENT_TOKEN: 'short' } })).rejects.toThrow(/AGENT_TOKEN must be at least 16 characters/)
  })

  async function setup() {
    return createInMemoryParticipant({ env: { AGENT_TOKEN: AGENT, ADMIN_TOKEN: ADMIN }, flavours: [aK8SliceFlavour()] })
  }
})
