import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flavourIdFor } from '../../agent/scan/flavours-from-cluster.ts'
import { startTestFederation } from '../support/test-federation.ts'

type WireFlavour = { flavorID: string; owner: { ID: string }; type: { name: string; data: { charateristics: { cpu: string; gpu?: { model: string; cores: string; memory: string } } } } }
type Candidate = { providerID: string; route: string[]; flavor: { flavorID: string } }

const PROVIDER = { clusterId: 'liqo-provider-node', domain: 'provider.local' }
const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane'
const idOf = (nodeName: string) => flavourIdFor(PROVIDER, nodeName)

/** Polls `check` until it holds or `timeoutMs` passes; returns its last value. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (check(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('node participants with fake clusters and agents (npm start’s local mode)', () => {
  let started: Awaited<ReturnType<typeof startTestFederation>>
  let stopped = false
  beforeAll(async () => {
    started = await startTestFederation({ clusters: true })
  })
  afterAll(async () => {
    if (!stopped) await started?.federation.stop()
  })

  const provider = () => started.at('provider-node')
  const kube = () => provider().cluster!.kube
  const nodeNames = () => kube().store.list('v1', 'Node').map((node) => ({ name: node.metadata.name!, controlPlane: CONTROL_PLANE_LABEL in (node.metadata.labels ?? {}) }))
  const k8slices = async (id: string) => (await (await fetch(`${started.url(id)}/api/v2/flavors/k8slice`)).json()) as WireFlavour[]

  it('gives the node participants, and only them, a fake cluster with a kubeconfig file', () => {
    const withClusters = started.federation.participants.filter((p) => p.cluster).map((p) => p.spec.id)
    expect(withClusters.sort()).toEqual(['consumer-node', 'provider-node'])
    const { kubeconfigPath, kube } = provider().cluster!
    expect(readFileSync(kubeconfigPath, 'utf8')).toContain(kube.url)
    expect(Buffer.from(provider().config.peeringKubeconfig, 'base64').toString()).toContain(kube.url)
  })

  it('offers exactly the provider’s eligible fake nodes as K8Slice flavours, the control plane left out, the GPU worker with its GPU', async () => {
    const nodes = nodeNames()
    expect(nodes.filter((n) => n.controlPlane)).toHaveLength(1)
    const eligible = nodes.filter((n) => !n.controlPlane).map((n) => n.name)
    expect(eligible.length).toBeGreaterThanOrEqual(3)
    const offered = await k8slices('provider-node')
    expect(offered.map((f) => f.flavorID).sort()).toEqual(eligible.map(idOf).sort())
    expect(offered.every((f) => f.owner.ID === 'provider-node')).toBe(true)
    const gpu = offered.filter((f) => f.type.data.charateristics.gpu)
    expect(gpu.map((f) => f.flavorID)).toEqual([idOf('gpu-worker-1')])
    expect(gpu[0]!.type.data.charateristics.gpu).toEqual({ model: 'NVIDIA-A100-SXM4-40GB', cores: '1', memory: '40Gi' })
  })

  it('lets the consumer discover them right after start, through both supernodes', async () => {
    const res = await fetch(`${started.url('consumer-node')}/discovery/v1/flavors/k8slice?filter[architecture][match]=amd64`)
    expect(res.status).toBe(200)
    const { candidates } = (await res.json()) as { candidates: Candidate[] }
    const fromProvider = candidates.filter((c) => c.providerID === 'provider-node')
    const eligible = nodeNames().filter((n) => !n.controlPlane)
    expect(fromProvider.map((c) => c.flavor.flavorID).sort()).toEqual(eligible.map((n) => idOf(n.name)).sort())
    expect(fromProvider.every((c) => c.route.join() === 'consumer-supernode,provider-supernode,provider-node')).toBe(true)
  })

  it('publishes the consumer’s own small cluster to the consumer node', async () => {
    const own = await k8slices('consumer-node')
    expect(own.map((f) => f.flavorID)).toEqual([flavourIdFor({ clusterId: 'liqo-consumer-node', domain: 'consumer.local' }, 'worker-1')])
  })

  it('withdraws a worker’s flavour within seconds of it being cordoned, and offers it again once uncordoned', async () => {
    const ref = { apiVersion: 'v1', kind: 'Node', name: 'worker-2' }
    const setUnschedulable = (unschedulable: boolean) => {
      const node = kube().store.get(ref)!
      kube().store.apply({ ...node, spec: { ...(node['spec'] as object), unschedulable } })
    }
    setUnschedulable(true)
    const ids = (flavours: WireFlavour[]) => flavours.map((f) => f.flavorID)
    expect(ids(await eventually(() => k8slices('provider-node'), (f) => !ids(f).includes(idOf('worker-2'))))).not.toContain(idOf('worker-2'))
    expect(ids(await k8slices('provider-node'))).toContain(idOf('worker-1'))
    setUnschedulable(false)
    expect(ids(await eventually(() => k8slices('provider-node'), (f) => ids(f).includes(idOf('worker-2'))))).toContain(idOf('worker-2'))
  })

  it('stops cleanly: agents, fake API servers and their kubeconfig files go', async () => {
    const clusters = started.federation.participants.flatMap((p) => (p.cluster ? [p.cluster] : []))
    stopped = true
    await started.federation.stop()
    for (const { kube, kubeconfigPath } of clusters) {
      await expect(fetch(`${kube.url}/api/v1/nodes`)).rejects.toThrow()
      expect(existsSync(kubeconfigPath)).toBe(false)
      expect(existsSync(dirname(kubeconfigPath))).toBe(false)
    }
  })
})

describe('agents of a federation whose participants require AGENT_TOKEN', () => {
  it('publish with the token, so the sellers’ node flavours are there at start', async () => {
    const started = await startTestFederation({ clusters: true, env: { AGENT_TOKEN: 'a-local-agent-token-0123' } })
    try {
      const flavours = (await (await fetch(`${started.url('provider-node')}/api/v2/flavors/k8slice`)).json()) as WireFlavour[]
      expect(flavours.map((f) => f.flavorID)).toContain(idOf('gpu-worker-1'))
      expect((await fetch(`${started.url('provider-node')}/agent/v1/flavours/${idOf('worker-1')}`, { method: 'DELETE' })).status).toBe(401)
    } finally {
      await started.federation.stop()
    }
  })
})
