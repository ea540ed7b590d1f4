import { describe, expect, it } from 'vitest'
import { offeredFlavours, startBanner } from '../../../local/start-banner.ts'
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

  it('names each node’s fake cluster and kubeconfig file, and says plainly that no real cluster or Liqo runs', () => {
    const banner = startBanner(aFederation({ clusters: true }), 5200)
    expect(banner).toContain("fake Kubernetes API servers with Liqo's controllers simulated; no real cluster or Liqo")
    for (const id of ['consumer-node', 'provider-node']) expect(banner).toMatch(new RegExp(`  ${id} +http://127\\.0\\.0\\.1:\\d+   kubeconfig /tmp/kube/${id}\\.kubeconfig\n`))
    expect(banner).not.toContain('catalog.kubeconfig')
  })

  it('says nothing of clusters when there are none', () => {
    expect(startBanner(aFederation(), 5200)).not.toContain('kubeconfig')
  })

  it('lists the K8Slice flavours each seller offers, from its answer to GET /api/v2/flavors/k8slice', () => {
    const offered = offeredFlavours([
      { flavorID: 'provider.local-k8slice-1111', type: { name: 'k8slice', data: { charateristics: { architecture: 'amd64', cpu: '7900m', memory: '16314Mi', pods: '109' } } } },
      {
        flavorID: 'provider.local-k8slice-2222',
        type: { name: 'k8slice', data: { charateristics: { architecture: 'amd64', cpu: '16', memory: '64Gi', pods: '110', gpu: { model: 'NVIDIA-A100-SXM4-40GB', cores: '1', memory: '40Gi' } } } },
      },
      { no: 'id' },
    ])
    expect(offered).toEqual([
      { id: 'provider.local-k8slice-1111', summary: 'amd64, 7900m CPU, 16314Mi memory, 109 pods' },
      { id: 'provider.local-k8slice-2222', summary: 'amd64, 16 CPU, 64Gi memory, 110 pods, 1 × NVIDIA-A100-SXM4-40GB' },
    ])
    const banner = startBanner(aFederation({ clusters: true }), 5200, { 'provider-node': offered })
    expect(banner).toContain('K8Slice flavours of provider-node (from its fake cluster’s nodes):')
    expect(banner).toMatch(/ {2}provider\.local-k8slice-2222 +amd64, 16 CPU, 64Gi memory, 110 pods, 1 × NVIDIA-A100-SXM4-40GB\n/)
    expect(offeredFlavours({ not: 'a list' })).toEqual([])
  })
})

const queueBase = 'http://sqs.us-east-1.127.0.0.1:4000/000000000000'

function aFederation(options: { clusters?: boolean } = {}) {
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
      ...(options.clusters && spec.role === 'node' ? { cluster: { kube: { url: `http://127.0.0.1:${40000 + spec.port}` }, kubeconfigPath: `/tmp/kube/${spec.id}.kubeconfig` } } : {}),
    })),
  }
}
