import { describe, expect, it } from 'vitest'
import { handleIntentMessage } from '../../../core/intents/orchestrate.ts'
import { aK8SliceFlavour, aProvider, aServiceFlavour } from '../../support/factories.ts'
import { createIntentNetwork } from '../../support/in-memory-intents.ts'

const workload = { name: 'web', manifests: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }] }
const anIntent = (overrides: Record<string, unknown> = {}) => ({
  need: { type: 'k8slice', architecture: 'amd64', cpu: '2', memory: '4Gi', pods: '10' },
  constraints: { countries: ['Italy'] },
  action: 'find',
  ...overrides,
})
const steps = (intent: { timeline: { step: number }[] }) => intent.timeline.map((t) => t.step)

describe(handleIntentMessage.name, () => {
  it('finds: discovers, ranks and records the winner and the runner-up with every term of their scores', async () => {
    const { submit, run, request } = await setup()
    const { body } = await submit(anIntent())
    await run()
    const { body: status } = await request('GET', `/intents/v1/${body.id}`)
    expect(status).toMatchObject({ phase: 'Solved', operationId: null, attempts: [] })
    expect(status.chosen).toMatchObject({ providerId: 'provider-cheap', flavourId: 'cheap-k8slice', route: ['consumer-supernode', 'provider-supernode', 'provider-cheap'], why: expect.stringContaining('cheaper') })
    expect(status.chosen.terms.map((t: { name: string }) => t.name).sort()).toEqual(['fit', 'latency', 'location', 'price', 'rating', 'successRate'])
    expect(status.runnerUp).toMatchObject({ providerId: 'provider-dear' })
    expect(steps(status)).toEqual([1, 2, 3, 4, 5, 6, 7, 16, 17, 18])
    expect(status.timeline.every((t: { participant: string }) => t.participant === 'consumer-node')).toBe(true)
  })

  it('buys: reserves and purchases the winner, with its operation, contract and VirtualNode allocation, and records the chain', async () => {
    const { submit, run, intent, network, providerStats } = await setup()
    const { body } = await submit(anIntent({ action: 'buy' }))
    await run()
    const bought = await intent(body.id)
    expect(bought).toMatchObject({ phase: 'Solved', operationId: expect.any(String), contractId: expect.any(String), allocationId: expect.any(String) })
    expect(bought.attempts).toEqual([expect.objectContaining({ providerId: 'provider-cheap', outcome: 'purchased' })])
    expect(network.participants.get('provider-cheap')!.store.contracts.size).toBe(1)
    expect(steps(bought).slice(-5)).toEqual([19, 25, 25, 29, 30])
    expect(await providerStats.get('provider-cheap')).toMatchObject({ chains: 1, successes: 1 })
  })

  it('deploys: peers, deploys the workload on the virtual node and is Solved once it is Running', async () => {
    const { submit, run, request, consumer, providerStats } = await setup()
    const { body } = await submit(anIntent({ action: 'deploy', workload }))
    await run()
    const { body: status } = await request('GET', `/intents/v1/${body.id}`)
    expect(status).toMatchObject({ phase: 'Solved', workload: { name: 'web', phase: 'running', readyPods: 2, totalPods: 2, node: `rear-${status.operationId}` } })
    expect(steps(status).slice(-7)).toEqual([29, 30, 31, 38, 39, 40, 41])
    expect(consumer.commands.map((c) => c.command)).toContain('DEPLOY_WORKLOAD')
    expect(await providerStats.get('provider-cheap')).toMatchObject({ peerings: 1 })
  })

  it('fails over to the next candidate by rank when the winner’s chain fails', async () => {
    const { submit, run, intent, network, providerStats } = await setup()
    network.down.add('provider-cheap')
    const { body } = await submit(anIntent({ action: 'buy' }))
    await run()
    const bought = await intent(body.id)
    expect(bought.phase).toBe('Solved')
    expect(bought.attempts).toEqual([
      expect.objectContaining({ providerId: 'provider-cheap', outcome: 'failed', reason: expect.stringContaining('PEER_UNAVAILABLE') }),
      expect.objectContaining({ providerId: 'provider-dear', outcome: 'purchased' }),
    ])
    expect(bought.chosen).toMatchObject({ providerId: 'provider-dear', why: expect.stringContaining('next by rank') })
    expect(bought.runnerUp).toBeUndefined()
    expect(await providerStats.get('provider-cheap')).toMatchObject({ chains: 1, successes: 0 })
  })

  it('fails with the reason when every candidate’s chain fails', async () => {
    const { submit, run, intent, network } = await setup()
    network.down.add('provider-cheap')
    network.down.add('provider-dear')
    const { body } = await submit(anIntent({ action: 'buy' }))
    await run()
    expect(await intent(body.id)).toMatchObject({ phase: 'Failed', failure: { step: 19, code: 'NO_CANDIDATE_LEFT', reason: expect.stringContaining('PEER_UNAVAILABLE') } })
  })

  it('fails at discovery when no flavour serves the need', async () => {
    const { submit, run, intent } = await setup()
    const { body } = await submit(anIntent({ need: { type: 'k8slice', cpu: '64', memory: '4Gi' } }))
    await run()
    expect(await intent(body.id)).toMatchObject({ phase: 'Failed', failure: { step: 16, code: 'NO_CANDIDATE' } })
  })

  it('reserves the best two, buys the best and releases the other', async () => {
    const { submit, run, intent, network } = await setup()
    const { body } = await submit(anIntent({ action: 'buy', reserveBest: 2 }))
    await run()
    const bought = await intent(body.id)
    expect(bought.phase).toBe('Solved')
    expect(bought.attempts.map((a) => [a.providerId, a.outcome])).toEqual([
      ['provider-cheap', 'purchased'],
      ['provider-dear', 'released'],
    ])
    const dear = network.participants.get('provider-dear')!.store
    expect([...dear.transactions.values()].map((t) => t.status)).toEqual(['released'])
    expect(dear.pools.get('dear-k8slice')?.free.cpu).toBe(8e9)
  })

  it('times out past its deadline and releases what it holds', async () => {
    const { submit, run, intent, network, consumer } = await setup({ agent: { peering: 'never' } })
    const { body } = await submit(anIntent({ action: 'peer', deadlineSeconds: 30 }))
    await run()
    const ended = await intent(body.id)
    expect(ended).toMatchObject({ phase: 'TimedOut', failure: { code: 'DEADLINE_PASSED' } })
    expect(ended.attempts).toEqual([expect.objectContaining({ outcome: 'released' })])
    expect(consumer.hops.hops.get(ended.operationId!)?.state).toBe('released')
    expect([...network.participants.get('provider-cheap')!.store.transactions.values()].map((t) => t.status)).not.toContain('purchased')
  })

  it('acts once on every message delivered twice', async () => {
    const { submit, run, intent, network, providerStats, handled, deps, callbacks } = await setup()
    const { body } = await submit(anIntent({ action: 'deploy', workload, callbackUrl: 'https://platform.example/hooks' }))
    await run({ twice: true })
    const done = await intent(body.id)
    expect(done.phase).toBe('Solved')
    expect(done.attempts).toHaveLength(1)
    expect(network.participants.get('provider-cheap')!.store.contracts.size).toBe(1)
    expect(await providerStats.get('provider-cheap')).toMatchObject({ chains: 1, peerings: 1 })
    expect(callbacks.sent).toHaveLength(2)
    for (const message of handled) await handleIntentMessage(deps, message)
    expect(await intent(body.id)).toEqual(done)
    expect(callbacks.sent).toHaveLength(2)
  })

  it('starts each chain once when two deliveries of a reserve step race', async () => {
    const { submit, run, intent, network, deps, queue } = await setup()
    const { body } = await submit(anIntent({ action: 'buy' }))
    await run({ intentId: body.id, until: (i) => i.step === 'reserve' })
    const [step] = queue.take().filter((q) => q.message.kind === 'intent-step')
    await Promise.all([handleIntentMessage(deps, step!.message), handleIntentMessage(deps, step!.message)])
    await run()
    expect((await intent(body.id)).attempts).toEqual([expect.objectContaining({ outcome: 'purchased' })])
    expect([...network.participants.get('provider-cheap')!.store.transactions.values()].map((t) => t.status)).toEqual(['purchased'])
  })

  it('keeps a step whose save met a concurrent write, laid over the intent as stored now', async () => {
    const { submit, run, intent, intents } = await setup()
    const { body } = await submit(anIntent({ action: 'buy' }))
    intents.failNextSave(2)
    await run()
    expect(await intent(body.id)).toMatchObject({ phase: 'Solved', attempts: [expect.objectContaining({ outcome: 'purchased' })] })
  })

  it('ranks fresh Peering Candidates without discovering again', async () => {
    const { submit, run, intent, discoveryCalls } = await setup()
    await submit(anIntent())
    await run()
    const { body } = await submit(anIntent())
    await run()
    expect(discoveryCalls).toHaveLength(1)
    expect(await intent(body.id)).toMatchObject({ phase: 'Solved', chosen: { providerId: 'provider-cheap' } })
    expect(steps(await intent(body.id))).toEqual([1, 2, 3, 4, 5, 17, 18])
  })

  it('times out while a chain is still in flight and releases it once it settles', async () => {
    const { submit, run, intent, network, consumer, clock } = await setup()
    const { body } = await submit(anIntent({ action: 'buy', deadlineSeconds: 30 }))
    await run({ intentId: body.id, until: (i) => i.step === 'await-reserved' })
    const held = network.pending.splice(0)
    clock.advance(31_000)
    await run({ intentId: body.id, until: (i) => i.phase === 'TimedOut' })
    const chainId = (await intent(body.id)).attempts[0]!.operationId!
    expect(consumer.hops.hops.get(chainId)?.state).toBe('reserving')
    network.pending.push(...held)
    await run()
    expect((await intent(body.id)).step).toBe('done')
    expect(['released', 'failed']).toContain(consumer.hops.hops.get(chainId)?.state)
    expect([...network.participants.get('provider-cheap')!.store.transactions.values()].filter((t) => t.status === 'reserved' || t.status === 'purchased')).toEqual([])
  })

  it('records a rating of what was bought, the latest replacing the first', async () => {
    const { submit, run, request, providerStats } = await setup()
    const { body } = await submit(anIntent({ action: 'buy' }))
    await run()
    expect((await request('POST', `/intents/v1/${body.id}/rating`, { score: 2 })).status).toBe(201)
    const res = await request('POST', `/intents/v1/${body.id}/rating`, { score: 5, comment: 'fast and cheap' })
    expect(res).toMatchObject({ status: 201, body: { intentId: body.id, providerId: 'provider-cheap', score: 5, comment: 'fast and cheap' } })
    expect(await providerStats.get('provider-cheap')).toMatchObject({ ratings: 1, meanRating: 5 })
    expect((await request('GET', `/intents/v1/${body.id}`)).body.rating).toMatchObject({ score: 5, comment: 'fast and cheap' })
  })

  it('finds a service by category and every tag', async () => {
    const offer = (id: string, tags: string[]) => ({ ...aServiceFlavour({ id, tags }), providerId: id, owner: aProvider({ id, domain: 'provider.local' }) })
    const { submit, run, intent } = await createIntentNetwork({ providers: [{ id: 'provider-mysql', flavour: offer('provider-mysql', ['database', 'mysql']) }, { id: 'provider-pg', flavour: offer('provider-pg', ['database', 'postgres']) }] })
    const { body } = await submit({ need: { type: 'service', category: 'database', tags: ['database', 'postgres'], configuration: { username: 'app', password: 'secret', database: 'orders' } }, action: 'find' })
    await run()
    const found = await intent(body.id)
    expect(found).toMatchObject({ phase: 'Solved', chosen: { providerId: 'provider-pg' } })
    expect(found.runnerUp).toBeUndefined()
  })

  it('sends one callback per phase change, each with its own delivery id', async () => {
    const { submit, run, intent, callbacks } = await setup()
    const { body } = await submit(anIntent({ callbackUrl: 'https://platform.example/hooks' }))
    await run()
    const done = await intent(body.id)
    expect(done.callbacks.map((c) => [c.phase, c.status, c.attempts])).toEqual([
      ['Running', 'delivered', 1],
      ['Solved', 'delivered', 1],
    ])
    expect(callbacks.sent.map((s) => s.url)).toEqual(['https://platform.example/hooks', 'https://platform.example/hooks'])
    expect(new Set(callbacks.sent.map((s) => s.deliveryId)).size).toBe(2)
    expect(callbacks.sent[1]!.body).toMatchObject({ type: 'intent.phase_changed', data: { id: body.id, phase: 'Solved' } })
  })

  async function setup(options: Parameters<typeof createIntentNetwork>[0] = {}) {
    const offer = (id: string, amount: string) => aK8SliceFlavour({ id: `${id.replace('provider-', '')}-k8slice`, owner: aProvider({ id, domain: 'provider.local' }), price: { amount, currency: 'EUR', period: 'hourly' } })
    return createIntentNetwork({
      providers: [
        { id: 'provider-cheap', flavour: offer('provider-cheap', '0.04') },
        { id: 'provider-dear', flavour: offer('provider-dear', '0.06') },
      ],
      ...options,
    })
  }
})
