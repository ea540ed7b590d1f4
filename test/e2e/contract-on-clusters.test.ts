import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flavourIdFor } from '../../agent/scan/flavours-from-cluster.ts'
import { sliceName, tenantNamespace } from '../../agent/commands/liqo-peering.ts'
import { startTestFederation } from '../support/test-federation.ts'

const FLAVOUR = flavourIdFor({ clusterId: 'liqo-provider-node', domain: 'provider.local' }, 'worker-1')
const small = { type: 'k8slice', data: { cpu: '2', memory: '4Gi', pods: '10' } }

type View = {
  operationId: string
  state: string
  peering: { status: string; detail: string | null } | null
  workloads: Record<string, { phase: string; readyPods: number; totalPods: number; node: string | null }>
}
type WireFlavour = { flavorID: string; type: { data: { charateristics: { cpu: string } } } }

describe('a contract on fake clusters, end to end (issue 12: done when)', () => {
  let started: Awaited<ReturnType<typeof startTestFederation>>
  beforeAll(async () => {
    started = await startTestFederation({ clusters: true, env: { HOP_TIMEOUT_SECONDS: '20' } })
  })
  afterAll(async () => {
    await started?.federation.stop()
  })

  const view = (id: string, operationId: string) => started.view<View>(id, operationId)
  const cpuOfWorker1 = async () => {
    const flavours = (await (await fetch(`${started.url('provider-node')}/api/v2/flavors/k8slice`)).json()) as WireFlavour[]
    return flavours.map((f) => f.type.data.charateristics.cpu).sort()
  }
  const consumerKube = () => started.at('consumer-node').cluster!.kube
  const providerKube = () => started.at('provider-node').cluster!.kube

  it('buys, peers until the virtual node is Ready, runs a workload there, and releases back to the flavour it was', async () => {
    const before = await cpuOfWorker1()
    await fetch(`${started.url('consumer-node')}/discovery/v1/flavors/k8slice?filter[cpu][range][min]=1`)
    const res = await fetch(`${started.url('consumer-node')}/chain/v1/operations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ flavorID: FLAVOUR, providerID: 'provider-node', configuration: small }) })
    expect(res.status).toBe(202)
    const { operationId } = (await res.json()) as View
    const node = sliceName(operationId)

    await expect.poll(async () => (await view('consumer-node', operationId)).peering?.status, { timeout: 30_000, interval: 200 }).toBe('active')
    await expect.poll(async () => (await view('provider-node', operationId)).peering?.status, { timeout: 10_000, interval: 200 }).toBe('active')
    const virtualNode = consumerKube().store.get({ apiVersion: 'v1', kind: 'Node', name: node }) as { status?: { conditions?: { type: string; status: string }[] } } | undefined
    expect(virtualNode?.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }))
    const allocations = async (id: string) => (await started.scan(id, 'allocation')).map((a) => a.status)
    expect(await allocations('consumer-node')).toEqual(['active'])
    expect(await allocations('provider-node')).toEqual(['active'])

    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    }
    const put = await fetch(`${started.url('consumer-node')}/chain/v1/operations/${operationId}/workloads/web`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ manifests: [deployment] }) })
    expect(put.status).toBe(202)
    await expect
      .poll(async () => (await (await fetch(`${started.url('consumer-node')}/chain/v1/operations/${operationId}/workloads/web`)).json()) as View['workloads'][string], { timeout: 20_000, interval: 200 })
      .toMatchObject({ phase: 'running', readyPods: 2, totalPods: 2, node })

    const release = await fetch(`${started.url('consumer-node')}/chain/v1/operations/${operationId}/release`, { method: 'POST' })
    expect(release.status).toBe(202)
    await expect.poll(async () => (await view('provider-node', operationId)).state, { timeout: 15_000 }).toBe('released')
    await expect.poll(cpuOfWorker1, { timeout: 15_000 }).toEqual(before)
    await expect.poll(() => consumerKube().store.get({ apiVersion: 'v1', kind: 'Node', name: node }), { timeout: 15_000 }).toBeUndefined()
    await expect.poll(() => consumerKube().store.get({ apiVersion: 'v1', kind: 'Namespace', name: 'web' }), { timeout: 15_000 }).toBeUndefined()
    await expect.poll(() => providerKube().store.get({ apiVersion: 'v1', kind: 'Namespace', name: tenantNamespace('liqo-consumer-node') }), { timeout: 15_000 }).toBeUndefined()
  })
})
