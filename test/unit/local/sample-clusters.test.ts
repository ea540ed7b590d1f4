import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { V1Node, V1Pod } from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import { flavourIdFor, flavoursFromCluster } from '../../../agent/scan/flavours-from-cluster.ts'
import { kubeconfigDirectory, localAgentConfig } from '../../../local/member-clusters.ts'
import { consumerClusterObjects, providerClusterObjects, SAMPLE_GPU_PRODUCT } from '../../../local/sample-clusters.ts'

const owner = { id: 'provider-node', ip: '127.0.0.1:30001', domain: 'provider.local', liqoId: 'liqo-provider-node' }
const config = localAgentConfig(owner, 'liqo-provider-node')
const scan = (objects: ReturnType<typeof providerClusterObjects>) =>
  flavoursFromCluster(
    { nodes: objects.filter((o) => o.kind === 'Node') as V1Node[], pods: objects.filter((o) => o.kind === 'Pod') as V1Pod[] },
    config,
    new Date('2026-01-01T00:00:00Z'),
  )

describe('the fake clusters of npm start', () => {
  it('give the seller one flavour per worker, the control plane left out, the system pods’ requests taken off', () => {
    const flavours = scan(providerClusterObjects())
    expect(flavours.map((f) => f.id).sort()).toEqual(['gpu-worker-1', 'worker-1', 'worker-2'].map((name) => flavourIdFor(config, name)).sort())
    const worker1 = flavours.find((f) => f.id === flavourIdFor(config, 'worker-1'))!
    expect(worker1.spec.characteristics.cpu.toString()).toBe('7900m')
    expect(worker1.spec.characteristics.pods.toString()).toBe('109')
    const gpu = flavours.find((f) => f.spec.characteristics.gpu)!
    expect(gpu.id).toBe(flavourIdFor(config, 'gpu-worker-1'))
    expect(gpu.spec.characteristics.gpu).toMatchObject({ model: SAMPLE_GPU_PRODUCT })
    expect(gpu.spec.characteristics.gpu!.cores.toString()).toBe('1')
    expect(gpu.spec.characteristics.gpu!.memory.toString()).toBe('40Gi')
    expect(flavours.every((f) => f.owner === owner && f.location?.city === 'Turin' && f.price.amount === '0.04')).toBe(true)
  })

  it('give the buyer one small worker', () => {
    expect(scan(consumerClusterObjects())).toHaveLength(1)
  })

  it('keep kubeconfigs in <data>/kubeconfigs with --persist, else in a temporary directory removed at stop', async () => {
    const data = await mkdtemp(join(tmpdir(), 'rear-data-'))
    try {
      const kept = await kubeconfigDirectory(data)
      expect(kept.path).toBe(join(data, 'kubeconfigs'))
      await kept.dispose()
      expect(existsSync(kept.path)).toBe(true)
    } finally {
      await rm(data, { recursive: true, force: true })
    }
    const temporary = await kubeconfigDirectory(undefined)
    expect(existsSync(temporary.path)).toBe(true)
    await temporary.dispose()
    expect(existsSync(temporary.path)).toBe(false)
  })
})
