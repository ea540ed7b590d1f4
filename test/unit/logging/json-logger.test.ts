import { describe, expect, it } from 'vitest'
import { JsonLogger } from '../../../adapters/logging/json-logger.ts'

describe(JsonLogger.name, () => {
  it('redacts secrets at any depth: named fields, JWK private members, PEM private keys', () => {
    const { logger, lines } = setup()
    logger.info('CONTRACT_SOLD', {
      contract: { id: 'c-1', peeringTargetCredentials: { clusterId: 'x', kubeconfig: 'YXBpVmVyc2lvbjogdjE=' } },
      nested: [{ authorization: 'Bearer abc' }, { jwk: { kty: 'OKP', crv: 'Ed25519', x: 'public-part', d: 'private-part' } }],
      note: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----',
      amount: 10n,
    })
    const [line] = lines
    expect(line).not.toMatch(/YXBpVmVyc2lvbjogdjE=|Bearer abc|private-part|BEGIN PRIVATE KEY/)
    expect(JSON.parse(line!)).toMatchObject({
      event: 'CONTRACT_SOLD',
      contract: { id: 'c-1', peeringTargetCredentials: '[redacted]' },
      nested: [{ authorization: '[redacted]' }, { jwk: { x: 'public-part', d: '[redacted]' } }],
      note: '[redacted]',
      amount: '10',
    })
  })

  it('redacts the fields a child logger was given too', () => {
    const { logger, lines } = setup()
    logger.child({ agentToken: 't-123' }).warn('X')
    expect(JSON.parse(lines[0]!)).toMatchObject({ agentToken: '[redacted]' })
  })

  function setup() {
    const lines: string[] = []
    const logger = new JsonLogger({ participant: 'p-1' }, (line) => lines.push(line), () => new Date('2026-11-23T00:00:00Z'))
    return { logger, lines }
  }
})
