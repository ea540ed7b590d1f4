import type { Federation, RunningParticipant } from './federation-runtime.ts'

type BannerParticipant = Pick<RunningParticipant, 'spec' | 'url' | 'queues'> & { cluster?: { kube: { url: string }; kubeconfigPath: string } }
type BannerFederation = { emulators: Pick<Federation['emulators'], 'dynamoEndpoint' | 'sqsEndpoint'>; participants: BannerParticipant[] }

/** One K8Slice flavour a seller offers, as the banner lists it. */
export interface OfferedFlavour {
  id: string
  /** e.g. `amd64, 7900m CPU, 16314Mi memory, 109 pods, 1 × NVIDIA-A100-SXM4-40GB` */
  summary: string
}

const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {})
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** The K8Slice flavours of a REAR `GET /api/v2/flavors/k8slice` answer, with a one-line summary each. */
export function offeredFlavours(answer: unknown): OfferedFlavour[] {
  if (!Array.isArray(answer)) return []
  return answer.flatMap((item) => {
    const flavour = record(item)
    const id = text(flavour['flavorID'])
    if (!id) return []
    const c = record(record(record(flavour['type'])['data'])['charateristics'])
    const gpu = record(c['gpu'])
    const parts = [
      text(c['architecture']),
      c['cpu'] !== undefined && `${String(c['cpu'])} CPU`,
      c['memory'] !== undefined && `${String(c['memory'])} memory`,
      c['pods'] !== undefined && `${String(c['pods'])} pods`,
      gpu['cores'] !== undefined && `${String(gpu['cores'])} × ${text(gpu['model']) || 'GPU'}`,
    ].filter((part): part is string => Boolean(part))
    return [{ id, summary: parts.join(', ') }]
  })
}

/**
 * What `npm start` prints once up: each participant's URL, the emulators, and every queue URL, so
 * an operator can point `npm run redrive` at a participant's dead letters without looking them up;
 * the fake member clusters with their kubeconfig files, and the K8Slice flavours each seller's agent
 * published from its cluster's nodes (`offered`, by participant id).
 */
export function startBanner(
  federation: BannerFederation,
  elapsedMs: number,
  offered: Readonly<Record<string, readonly OfferedFlavour[]>> = {},
  intents: { devSecret?: string } = {},
  security: { secure?: boolean } = {},
): string {
  const buyer = federation.participants.find((p) => p.spec.role === 'node' && !p.spec.seller)
  const provider = federation.participants.find((p) => p.spec.seller)
  const pad = ''.padEnd(20)
  const withClusters = federation.participants.filter((p) => p.cluster)
  const sellers = federation.participants.filter((p) => p.spec.seller && offered[p.spec.id])
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
    ...(withClusters.length
      ? [
          "Member clusters: fake Kubernetes API servers with Liqo's controllers simulated; no real cluster or Liqo.",
          "Each node's agent publishes one K8Slice flavour per schedulable, Ready worker node of its cluster:",
          ...withClusters.flatMap(({ spec, cluster }) => [`  ${spec.id.padEnd(20)} ${cluster!.kube.url}   kubeconfig ${cluster!.kubeconfigPath}`]),
          '',
        ]
      : []),
    ...sellers.flatMap(({ spec }) => {
      const flavours = offered[spec.id] ?? []
      return [
        `K8Slice flavours of ${spec.id}${withClusters.some((p) => p.spec.id === spec.id) ? ' (from its fake cluster’s nodes)' : ''}:`,
        ...(flavours.length ? flavours.map((f) => `  ${f.id.padEnd(40)} ${f.summary}`) : ['  (none)']),
        '',
      ]
    }),
    ...(provider
      ? [`Try: curl -sg "${provider.url}/api/v2/flavors/k8slice?filter[cpu][range][min]=2"${security.secure ? '   (401 SIGNATURE_MISSING under --secure: curl does not sign)' : ''}`, '']
      : []),
    ...(buyer
      ? [
          `Intents: POST ${buyer.url}/intents/v1, signed as a Standard Webhook with ${intents.devSecret ? `the development secret ${intents.devSecret}` : 'your INTENT_WEBHOOK_SECRET'}`,
          '  npm run demo                                             the seed workflow, step by step',
          '  npm run -s rear -- intent submit cli/examples/intent.yaml  one intent, with live progress',
          '',
        ]
      : []),
    security.secure
      ? 'Secure (--secure): unsigned calls to /api, /rear and /agent get 401, from loopback too; participants and agents sign theirs.'
      : 'Unsigned calls to /api, /rear and /agent are accepted from loopback (curl, FLUIDOS tools); npm start -- --secure refuses them.',
    '',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n')
}
