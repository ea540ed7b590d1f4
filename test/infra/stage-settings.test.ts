import { describe, expect, it } from 'vitest'
import { stageSettings, StageSettingsError } from '../../infra/stage-settings.ts'
import type { StagesFile } from '../../infra/stage-settings.ts'
import stages from '../../stages.json'

const aStagesFile = (overrides: StagesFile = {}): StagesFile => ({
  'acme-node': { role: 'node', domain: 'acme.example', liqoClusterId: 'liqo-acme' },
  'acme-supernode': { role: 'supernode', domain: 'acme.example', production: true },
  ...overrides,
})

describe('stage settings', () => {
  it('takes the role and identity a stage is registered with', () => {
    expect(stageSettings('rear-cloud', 'acme-supernode', aStagesFile())).toEqual({
      role: 'supernode',
      participantId: 'acme-supernode',
      domain: 'acme.example',
      liqoClusterId: '',
      production: true,
    })
    expect(stageSettings('rear-cloud', 'acme-node', aStagesFile())).toMatchObject({ role: 'node', liqoClusterId: 'liqo-acme', production: false })
  })

  it('lets a stage name its participant differently from the stage', () => {
    const file = aStagesFile({ 'prod-eu': { role: 'catalog', id: 'fluidos-catalog', domain: 'catalog.example', transactionTtlSeconds: 600 } })
    expect(stageSettings('rear-cloud', 'prod-eu', file)).toMatchObject({ role: 'catalog', participantId: 'fluidos-catalog', transactionTtlSeconds: 600 })
  })

  it('deploys an unregistered stage as a throwaway node', () => {
    expect(stageSettings('rear-cloud', 'alice', aStagesFile())).toEqual({
      role: 'node',
      participantId: 'rear-cloud-alice',
      domain: 'alice.dev.rear-cloud',
      liqoClusterId: '',
      production: false,
    })
  })

  it.each([
    ['an unknown role', { x: { role: 'broker', domain: 'd' } }, /x\.role/],
    ['a missing domain', { x: { role: 'node' } }, /x\.domain/],
    ['an unknown field', { x: { role: 'node', domain: 'd', rol: 'node' } }, /x/],
    ['an id with spaces', { x: { role: 'node', domain: 'd', id: 'a b' } }, /x\.id/],
  ])('refuses a file with %s, naming the stage and field', (_, file, message) => {
    expect(() => stageSettings('rear-cloud', 'x', file )).toThrow(StageSettingsError)
    expect(() => stageSettings('rear-cloud', 'x', file )).toThrow(message)
  })

  it('reads the committed stages.json: the five participants of the local federation and production', () => {
    const roles = Object.fromEntries(Object.keys(stages).map((stage) => [stage, stageSettings('rear-cloud', stage, stages).role]))
    expect(roles).toEqual({
      'consumer-node': 'node',
      'consumer-supernode': 'supernode',
      'provider-node': 'node',
      'provider-supernode': 'supernode',
      catalog: 'catalog',
      production: 'node',
    })
    expect(stageSettings('rear-cloud', 'production', stages).production).toBe(true)
  })
})
