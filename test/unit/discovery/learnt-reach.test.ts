import { describe, expect, it } from 'vitest'
import { answerRelay, newRequest } from '../../../core/discovery/search-flavours.ts'
import type { RelayRequest } from '../../../core/discovery/model.ts'
import { parseSelectorQuery } from '../../../core/wire/selector-query.ts'
import { FakeNetwork } from '../../support/fake-network.ts'
import { aK8SliceFlavour, aProvider } from '../../support/factories.ts'

const selector = parseSelectorQuery('k8slice', new URLSearchParams('filter[cpu][range][min]=2').entries())

const ids = (answer: { results: { flavour: { id: string } }[] }) => answer.results.map((r) => r.flavour.id).sort()

/** A learnt answer stands only for a search that reaches no further than the one it was learnt in. */
describe('a learnt answer at a relay', () => {
  it('records the hops left and the peers skipped as visited', async () => {
    const { network, sn } = await line()
    await answerRelay(sn('sn-b').deps, relay('s-1', ['x', 'sn-c'], 1))
    const [learnt] = sn('sn-b').deps.candidates.entries.values()
    expect(learnt?.learntIn).toMatchObject({ hops: 1, skipped: ['sn-c'] })
    expect(network.participants.get('sn-a')!.received).toHaveLength(1)
  })

  it('does not stand for a search with more hops left: what lies further is found', async () => {
    const { sn } = await line()
    await answerRelay(sn('sn-b').deps, relay('s-1', ['x', 'sn-c'], 1))
    const further = await answerRelay(sn('sn-b').deps, relay('s-2', ['x', 'sn-c'], 2))
    expect(ids(further)).toEqual(['far-k8slice-1', 'near-k8slice-1'])
  })

  it('does not stand for a search that may ask a peer it skipped as visited', async () => {
    const { sn } = await line()
    await answerRelay(sn('sn-b').deps, relay('s-1', ['x', 'sn-a'], 2))
    const other = await answerRelay(sn('sn-b').deps, relay('s-2', ['y'], 2))
    expect(ids(other)).toEqual(['far-k8slice-1', 'near-k8slice-1', 'other-k8slice-1'])
  })

  it('stands for a search with no more hops left and the same peers visited: nobody is asked', async () => {
    const { network, sn } = await line()
    await answerRelay(sn('sn-b').deps, relay('s-1', ['x', 'sn-c'], 2))
    const asked = network.participants.get('sn-a')!.received.length
    const again = await answerRelay(sn('sn-b').deps, relay('s-2', ['z', 'sn-c'], 1))
    expect(ids(again)).toEqual(['far-k8slice-1', 'near-k8slice-1'])
    expect(network.participants.get('sn-a')!.received).toHaveLength(asked)
  })

  function relay(correlationId: string, visited: string[], hopsLeft: number): RelayRequest {
    return { ...newRequest(sn0!, selector, correlationId), visited, hopsLeft }
  }

  let sn0: Parameters<typeof newRequest>[0] | undefined

  /** sn-c – sn-b – sn-a – sn-far, each selling one flavour further along: near at sn-a, far at sn-far, other at sn-c. */
  async function line() {
    const network = new FakeNetwork()
    for (const id of ['sn-far', 'sn-a', 'sn-b', 'sn-c']) network.add(id, 'supernode', `${id}.local`)
    for (const [a, b] of [['sn-b', 'sn-a'], ['sn-b', 'sn-c'], ['sn-a', 'sn-far'], ['sn-a', 'sn-b'], ['sn-c', 'sn-b']] as const) network.link(a, b)
    const sell = (at: string, id: string) => network.sell(at, aK8SliceFlavour({ id, cpu: '8', owner: aProvider({ id: at, domain: `${at}.local` }) }))
    await sell('sn-a', 'near-k8slice-1')
    await sell('sn-far', 'far-k8slice-1')
    await sell('sn-c', 'other-k8slice-1')
    const sn = (id: string) => network.participants.get(id)!
    sn0 = sn('sn-b').deps
    return { network, sn }
  }
})
