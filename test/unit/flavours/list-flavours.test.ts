import { describe, expect, it } from 'vitest'
import { listFlavours } from '../../../core/flavours/list-flavours.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { parseSelectorQuery } from '../../../core/wire/selector-query.ts'
import type { SupportedFlavourType } from '../../../core/flavours/model.ts'
import { InMemoryProviderStore } from '../../support/in-memory-provider-store.ts'
import { aK8SliceFlavour, aServiceFlavour } from '../../support/factories.ts'

describe(listFlavours.name, () => {
  it.each([
    ['k8slice', '', ['small', 'large', 'arm', 'gpu']],
    ['k8slice', 'filter[cpu][range][min]=4', ['large', 'gpu']],
    ['k8slice', 'filter[cpu][match]=2000m', ['small', 'arm']],
    ['k8slice', 'filter[architecture][match]=arm64', ['arm']],
    ['k8slice', 'filter[memory][range][min]=8Gi&filter[memory][range][max]=32Gi', ['large']],
    ['k8slice', 'filter[storage][range][min]=1Gi', ['large']],
    ['k8slice', 'filter[gpu][range][min]=1&filter[gpuModel][match]=a100', ['gpu']],
    ['k8slice', 'filter[cpu][range][min]=100', []],
    ['service', 'filter[tags][match]=mysql', ['db']],
    ['service', 'filter[category][match]=queue', []],
  ])('returns the matching %s flavours for ?%s', async (type, query, expected) => {
    const { flavours } = await setup()
    const selector = parseSelectorQuery(type as SupportedFlavourType, new URLSearchParams(query).entries())
    const ids = (await listFlavours(flavours, selector)).map((f) => f.id)
    expect(ids.sort()).toEqual([...expected].sort())
  })

  it('lists every available flavour of every type without a selector', async () => {
    const { flavours } = await setup()
    expect(await listFlavours(flavours)).toHaveLength(5)
  })

  async function setup() {
    const store = new InMemoryProviderStore()
    const all = [
      aK8SliceFlavour({ id: 'small', cpu: '2', memory: '4Gi' }),
      aK8SliceFlavour({ id: 'large', cpu: '16', memory: '32Gi', storage: '100Gi' }),
      aK8SliceFlavour({ id: 'arm', cpu: '2', memory: '4Gi', architecture: 'arm64' }),
      aK8SliceFlavour({ id: 'gpu', cpu: '8', memory: '64Gi', gpu: { model: 'a100', cores: '2', memory: '80Gi' } }),
      aServiceFlavour({ id: 'db' }),
    ]
    for (const flavour of all) await publishFlavour(store.flavourRepository, flavour)
    return { flavours: store.flavourRepository }
  }
})
