import { describe, expect, it } from 'vitest'
import { HttpPeerGateway } from '../../../adapters/http/http-peer-gateway.ts'
import type { RelayRequest } from '../../../core/discovery/model.ts'
import { flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { parseSelectorQuery } from '../../../core/wire/selector-query.ts'
import { aK8SliceFlavour, aPeer, aProvider, aServiceFlavour } from '../../support/factories.ts'

const goOwner = aProvider({ id: 'go-node', domain: 'fluidos.eu' })
const amd64 = aK8SliceFlavour({ id: 'fluidos.eu-k8slice-amd', owner: goOwner })
const arm64 = aK8SliceFlavour({ id: 'fluidos.eu-k8slice-arm', owner: goOwner, architecture: 'arm64' })

const request = (query: string): RelayRequest => ({
  selector: parseSelectorQuery('k8slice', new URLSearchParams(query).entries()),
  visited: [],
  hopsLeft: 4,
  correlationId: 'corr-go',
  budgetMs: 2100,
})

describe('HttpPeerGateway with a FLUIDOS Go peer', () => {
  it('asks for the plain flavour list and keeps what the selector matches', async () => {
    const { gateway, requested } = setup(200, JSON.stringify([amd64, arm64, aServiceFlavour()].map(flavourToWire)))
    const answer = await gateway.listFlavours(aPeer({ id: 'go-node', protocol: 'fluidos-go' }), request('filter[architecture][match]=arm64'), 1000)
    expect(answer.results.map((r) => [r.flavour.id, r.route])).toEqual([['fluidos.eu-k8slice-arm', ['go-node']]])
    expect(requested).toEqual(['http://go-node.test/api/v2/flavors'])
  })

  it.each([
    ['204', 204, undefined],
    ['an empty array', 200, '[]'],
  ])('reads %s as nothing, not as a failure', async (_, status, body) => {
    const { gateway } = setup(status, body)
    const answer = await gateway.listFlavours(aPeer({ id: 'go-node', protocol: 'fluidos-go' }), request('filter[cpu][range][min]=2'), 1000)
    expect(answer).toEqual({ results: [], failed: [] })
  })

  function setup(status: number, body: string | undefined) {
    const requested: string[] = []
    const fetchImpl = (async (input: string | URL | Request) => {
      requested.push(String(input))
      return new Response(body ?? null, { status, headers: body ? { 'Content-Type': 'application/json' } : {} })
    }) as typeof fetch
    return { gateway: new HttpPeerGateway('consumer-node', fetchImpl), requested }
  }
})
