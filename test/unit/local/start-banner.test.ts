import { describe, expect, it } from 'vitest'
import { startBanner } from '../../../local/start-banner.ts'
import { DEFAULT_FEDERATION } from '../../../local/federation.ts'

describe(startBanner.name, () => {
  it('prints every participant’s URL and its chain and agent queues with their DLQs', () => {
    const banner = startBanner(aFederation(), 5200)
    for (const { id, port } of DEFAULT_FEDERATION) {
      expect(banner).toContain(`http://127.0.0.1:${port}`)
      for (const queue of ['chain', 'chain-dlq', 'agent', 'agent-dlq']) expect(banner).toContain(`${queueBase}/rear-${id}-${queue}\n`)
    }
  })

  it('says how to redrive dead letters and how to stop', () => {
    const banner = startBanner(aFederation(), 5200)
    expect(banner).toContain('npm run redrive -- --dlq')
    expect(banner).toContain('is up (5.2 s)')
    expect(banner).toContain('Press Ctrl+C to stop.')
  })
})

const queueBase = 'http://sqs.us-east-1.127.0.0.1:4000/000000000000'

function aFederation() {
  return {
    emulators: { dynamoEndpoint: 'http://127.0.0.1:8000', sqsEndpoint: 'http://127.0.0.1:4000' },
    participants: DEFAULT_FEDERATION.map((spec) => ({
      spec,
      url: `http://127.0.0.1:${spec.port}`,
      queues: {
        chain: `${queueBase}/rear-${spec.id}-chain`,
        dlq: `${queueBase}/rear-${spec.id}-chain-dlq`,
        agent: `${queueBase}/rear-${spec.id}-agent`,
        agentDlq: `${queueBase}/rear-${spec.id}-agent-dlq`,
      },
    })),
  }
}
