import type { Federation, RunningParticipant } from './federation-runtime.ts'

type BannerFederation = { emulators: Pick<Federation['emulators'], 'dynamoEndpoint' | 'sqsEndpoint'>; participants: Pick<RunningParticipant, 'spec' | 'url' | 'queues'>[] }

/**
 * What `npm start` prints once up: each participant's URL, the emulators, and every queue URL, so
 * an operator can point `npm run redrive` at a participant's dead letters without looking them up.
 */
export function startBanner(federation: BannerFederation, elapsedMs: number): string {
  const provider = federation.participants.find((p) => p.spec.seller)
  const pad = ''.padEnd(20)
  return [
    '',
    `rear-cloud local federation is up (${(elapsedMs / 1000).toFixed(1)} s)`,
    ...federation.participants.map((p) => `  ${p.spec.id.padEnd(20)} ${p.url}   (OpenAPI: ${p.url}/openapi.json)`),
    `  DynamoDB Local        ${federation.emulators.dynamoEndpoint}`,
    `  SQS (fauxqs)          ${federation.emulators.sqsEndpoint}`,
    '',
    'Queues (redrive dead letters: npm run redrive -- --dlq <DLQ URL> --to <its queue URL>):',
    ...federation.participants.flatMap(({ spec, queues }) => [
      `  ${spec.id.padEnd(20)} chain      ${queues.chain}`,
      `  ${pad} chain DLQ  ${queues.dlq}`,
      `  ${pad} agent      ${queues.agent}`,
      `  ${pad} agent DLQ  ${queues.agentDlq}`,
    ]),
    '',
    ...(provider ? [`Try: curl -sg "${provider.url}/api/v2/flavors/k8slice?filter[cpu][range][min]=2"`, ''] : []),
    'Press Ctrl+C to stop.',
    '',
  ].join('\n')
}
