import { describe, expect, it } from 'vitest'
import { encodeSelectorQuery, parseSelectorQuery } from '../../../core/wire/selector-query.ts'
import { ValidationError } from '../../../core/shared/errors.ts'
import type { SupportedFlavourType } from '../../../core/flavours/model.ts'

const params = (query: string): [string, string][] => [...new URLSearchParams(query).entries()]

describe('parseSelectorQuery', () => {
  it.each([
    ['k8slice', ''],
    ['k8slice', 'filter[architecture][match]=amd64'],
    ['k8slice', 'filter[cpu][match]=2'],
    ['k8slice', 'filter[memory][range][min]=1Gi'],
    ['k8slice', 'filter[memory][range][max]=100Gi'],
    ['k8slice', 'filter[memory][range][min]=1Gi&filter[memory][range][max]=100Gi'],
    ['k8slice', 'filter[pods][range][min]=10&filter[storage][range][min]=0'],
    ['k8slice', 'filter[gpu][range][min]=1&filter[gpuModel][match]=a100&filter[gpuMemory][range][min]=40Gi'],
    ['k8slice', 'filter%5Bcpu%5D%5Brange%5D%5Bmin%5D=1000m'],
    ['k8slice', 'filter[cpu][range][min]=2&filter[cpu][range][max]=2'],
    ['service', 'filter[category][match]=database&filter[tags][match]=mysql'],
  ])('accepts %s ?%s', (type, query) => {
    expect(() => parseSelectorQuery(type as SupportedFlavourType, params(query))).not.toThrow()
  })

  it.each([
    ['k8slice', 'cpu=2', 'cpu'],
    ['k8slice', '[storage][range][min]=1Gi', '[storage][range][min]'],
    ['k8slice', 'filter[cpu][range]=2', 'filter[cpu][range]'],
    ['k8slice', 'filter[cpu][range][regex]=2', 'filter[cpu][range][regex]'],
    ['k8slice', 'filter[cpu][match][min]=2', 'filter[cpu][match][min]'],
    ['k8slice', 'filter[cpu][exact]=2', 'filter[cpu][exact]'],
    ['k8slice', 'filter[cpu][match]=two', 'filter[cpu][match]'],
    ['k8slice', 'filter[cpu][match]=', 'filter[cpu][match]'],
    ['k8slice', 'filter[memory][range][min]=1GB', 'filter[memory][range][min]'],
    ['k8slice', 'filter[cpu][match]=1&filter[cpu][match]=2', 'filter[cpu][match]'],
    ['k8slice', 'filter[cpu][match]=1&filter[cpu][range][min]=1', 'filter[cpu][range][min]'],
    ['k8slice', 'filter[cpu][range][min]=4&filter[cpu][range][max]=2', 'filter[cpu]'],
    ['k8slice', 'filter[architecture][range][regex]=amd.*', 'filter[architecture][range][regex]'],
    ['k8slice', 'filter[architecture][match]=', 'filter[architecture][match]'],
    ['k8slice', 'filter[ram][match]=1', 'filter[ram][match]'],
    ['k8slice', 'filter[category][match]=db', 'filter[category][match]'],
    ['service', 'filter[cpu][match]=1', 'filter[cpu][match]'],
    ['service', 'filter[category][range][min]=1', 'filter[category][range][min]'],
  ])('rejects %s ?%s naming %s', (type, query, parameter) => {
    let caught: unknown
    try {
      parseSelectorQuery(type as SupportedFlavourType, params(query))
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ValidationError)
    expect((caught as ValidationError).message).toContain(parameter)
    expect((caught as ValidationError).details).toEqual({ parameter })
  })

  it('round-trips through the encoder with the storage prefix kept', () => {
    const selector = parseSelectorQuery(
      'k8slice',
      params('filter[architecture][match]=amd64&filter[cpu][range][min]=2000m&filter[storage][range][min]=10Gi'),
    )
    const query = encodeSelectorQuery(selector)
    expect(query).toBe('filter[architecture][match]=amd64&filter[cpu][range][min]=2&filter[storage][range][min]=10Gi')
    expect(parseSelectorQuery('k8slice', params(query))).toEqual(selector)
  })

  it('leaves GPU filters out for FLUIDOS Go peers', () => {
    const selector = parseSelectorQuery('k8slice', params('filter[gpu][match]=1&filter[gpuModel][match]=a100&filter[cpu][match]=1'))
    expect(encodeSelectorQuery(selector, { includeExtensions: false })).toBe('filter[cpu][match]=1')
  })
})
