import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { flavourFromWire, flavourToWire } from '../../../core/wire/flavour-codec.ts'
import { reserveRequestFromWire, reserveRequestToWire, transactionToWire } from '../../../core/wire/reservation-codec.ts'
import { contractFromWire, contractToWire, purchaseRequestFromWire } from '../../../core/wire/contract-codec.ts'
import { UnsupportedFlavourTypeError, ValidationError } from '../../../core/shared/errors.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { aTransaction } from '../../support/factories.ts'

const golden = (name: string): string => readFileSync(new URL(`../../fixtures/wire/${name}`, import.meta.url), 'utf8').trim()
const json = (name: string): unknown => JSON.parse(golden(name))

function lowerCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerCaseKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), k === 'additionalProperties' ? v : lowerCaseKeys(v)]))
}

describe('wire codec', () => {
  it.each(['go-k8slice-flavor.json', 'go-k8slice-flavor-properties.json', 'go-service-flavor.json'])(
    'round-trips %s byte for byte',
    (name) => {
      expect(JSON.stringify(flavourToWire(flavourFromWire(json(name))))).toBe(golden(name))
    },
  )

  it('decodes keys case-insensitively, as Go does', () => {
    const flavour = flavourFromWire(lowerCaseKeys(json('go-k8slice-flavor.json')))
    expect(JSON.stringify(flavourToWire(flavour))).toBe(golden('go-k8slice-flavor.json'))
  })

  it('accepts characteristics as an alias of charateristics', () => {
    const text = golden('go-k8slice-flavor.json').replace('"charateristics"', '"characteristics"')
    const flavour = flavourFromWire(JSON.parse(text))
    expect(JSON.stringify(flavourToWire(flavour))).toBe(golden('go-k8slice-flavor.json'))
  })

  it('maps the wire altitude to the internal country', () => {
    const flavour = flavourFromWire(json('go-k8slice-flavor.json'))
    expect(flavour.location?.country).toBe('Italy')
    expect(flavour.spec.type === 'k8slice' && flavour.spec.characteristics.memory.cmp(Quantity.parse('7879752Ki'))).toBe(0)
  })

  it.each(['vm', 'sensor', 'VM'])('recognises a %s flavour and refuses it as unsupported', (name) => {
    const wire = { ...(json('go-k8slice-flavor.json') as object), type: { name, data: {} } }
    expect(() => flavourFromWire(wire)).toThrow(UnsupportedFlavourTypeError)
  })

  it('rejects a flavour with a bad quantity, naming the field', () => {
    const text = golden('go-k8slice-flavor.json').replace('"7879752Ki"', '"lots"')
    expect(() => flavourFromWire(JSON.parse(text))).toThrow(/memory/)
  })

  it('decodes the Go reserve request and re-encodes it byte for byte', () => {
    const request = reserveRequestFromWire(json('go-reserve-request.json'))
    expect(request.buyer.liqoId).toBe('14461b0e-446d-4b05-b1f8-9ddb6765ac02')
    expect(request.buyerKubeconfig).toBe('YXBpVmVyc2lvbjogdjEK')
    expect(JSON.stringify(reserveRequestToWire(request))).toBe(golden('go-reserve-request.json'))
  })

  it.each([
    [{ flavorID: 'f', buyerID: { ID: 'b' }, cpu: '1' }, 'cpu'],
    [{ flavorID: 'f', buyerID: { ID: 'b' }, configuration: { type: 'k8slice', data: { cpu: '1', memory: '1Gi', pods: '1', foo: 1 } } }, 'foo'],
    [{ flavorID: 'f', buyerID: 'b' }, 'buyerID'],
    [{ flavorID: 3, buyerID: { ID: 'b' } }, 'flavorID'],
    [{ buyerID: { ID: 'b' } }, 'flavorID'],
    [{ flavorID: 'f', buyerID: { ID: 'b' }, configuration: { type: 'k8slice', data: { cpu: 'x', memory: '1Gi', pods: '1' } } }, 'cpu'],
    [[], 'body'],
  ])('rejects a malformed reserve request %j naming %s', (body, field) => {
    expect(() => reserveRequestFromWire(body)).toThrow(ValidationError)
    expect(() => reserveRequestFromWire(body)).toThrow(field)
  })

  it('encodes a transaction without the buyer kubeconfig', () => {
    const request = reserveRequestFromWire(json('go-reserve-request.json'))
    const tx = aTransaction({
      id: '37b53e2ba2b7b6ecb96bd56989baecf2-1700151404800502383',
      flavourId: request.flavourId,
      buyer: request.buyer,
      clusterId: request.buyer.liqoId ?? '',
      buyerKubeconfig: request.buyerKubeconfig,
      configuration: request.configuration,
      expiresAt: new Date('2025-05-18T19:07:20Z'),
    })
    expect(JSON.stringify(transactionToWire(tx))).toBe(golden('transaction.json'))
  })

  it('round-trips the contract byte for byte', () => {
    const contract = contractFromWire(json('contract.json'), new Date())
    expect(JSON.stringify(contractToWire(contract))).toBe(golden('contract.json'))
  })

  it('accepts the empty purchase body the Go client sends for a K8Slice, and rejects stray fields', () => {
    expect(purchaseRequestFromWire({})).toEqual({})
    expect(() => purchaseRequestFromWire({ transactionID: 'x' })).toThrow(ValidationError)
  })
})
