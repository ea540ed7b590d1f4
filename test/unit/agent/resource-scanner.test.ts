import { describe, expect, it, onTestFinished, vi } from 'vitest'
import type { V1Node, V1Pod } from '@kubernetes/client-node'
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node'
import { ResourceScanner } from '../../../agent/scan/resource-scanner.ts'
import type { NodeCommitment } from '../../../agent/scan/flavours-from-cluster.ts'
import { flavourIdFor } from '../../../agent/scan/flavours-from-cluster.ts'
import { startFakeKube } from '../../../local/fake-kube/index.ts'
import { aNode, aPod } from '../../support/kube-factories.ts'
import type { RescanTimers } from '../../../agent/scan/debounced-rescan.ts'
import { DebouncedRescan } from '../../../agent/scan/debounced-rescan.ts'
import type { K8SliceFlavour } from '../../../core/flavours/model.ts'
import { Quantity } from '../../../core/quantity/quantity.ts'
import { aK8SliceFlavour } from '../../support/factories.ts'

describe(DebouncedRescan.name, () => {
  describe('changes', () => {
    it('are published once, debounceMs after the first of them, with the current set', async () => {
      const { rescan, timers, published, offer } = setup()
      offer('a', 'b')
      rescan.changed()
      await timers.advance(1000)
      rescan.changed()
      rescan.changed()
      await timers.advance(999)
      expect(published).toEqual([])
      await timers.advance(1)
      expect(published).toEqual([{ ids: ['a', 'b'], withdrawn: [] }])
    })

    it('withdraw the ids published before and missing now', async () => {
      const { rescan, timers, published, offer } = setup()
      offer('a', 'b')
      await rescan.flush()
      offer('b', 'c')
      rescan.changed()
      await timers.advance(2000)
      expect(published).toEqual([
        { ids: ['a', 'b'], withdrawn: [] },
        { ids: ['b', 'c'], withdrawn: ['a'] },
      ])
    })

    it('that leave the flavours as they were publish nothing, though the scan time moved', async () => {
      const { rescan, timers, published, offer } = setup()
      offer('a')
      await rescan.flush()
      offer('a')
      rescan.changed()
      await timers.advance(2000)
      expect(published).toHaveLength(1)
    })

    it('that change a flavour publish it again', async () => {
      const { rescan, timers, published, offer } = setup()
      offer('a')
      await rescan.flush()
      offer({ id: 'a', cpu: '4' })
      rescan.changed()
      await timers.advance(2000)
      expect(published.map((p) => p.ids)).toEqual([['a'], ['a']])
    })

    it('arriving while a publication is under way are published after it, never alongside', async () => {
      const { rescan, timers, published, offer, hold, started } = setup()
      const release = hold()
      offer('a')
      rescan.changed()
      await timers.advance(2000)
      offer('a', 'b')
      rescan.changed()
      await timers.advance(2000)
      expect([started(), published.length]).toEqual([1, 0])
      release()
      await timers.advance(0)
      await timers.advance(2000)
      expect(published.map((p) => p.ids)).toEqual([['a'], ['a', 'b']])
    })
  })

  describe('a publication that fails', () => {
    it('is reported and retried debounceMs later with the same withdrawals', async () => {
      const { rescan, timers, published, offer, failNext, errors } = setup()
      offer('a')
      await rescan.flush()
      offer()
      failNext()
      rescan.changed()
      await timers.advance(2000)
      expect(errors).toEqual(['participant unreachable'])
      await timers.advance(2000)
      expect(published).toEqual([
        { ids: ['a'], withdrawn: [] },
        { ids: [], withdrawn: ['a'] },
      ])
    })
  })

  describe('a scan that throws', () => {
    it('is reported and publishes nothing', async () => {
      const { rescan, timers, published, errors, breakScan } = setup()
      breakScan()
      rescan.changed()
      await timers.advance(2000)
      expect(published).toEqual([])
      expect(errors).toEqual(['scan failed'])
    })
  })

  describe('stop', () => {
    it('cancels a pending publication', async () => {
      const { rescan, timers, published, offer } = setup()
      offer('a')
      rescan.changed()
      rescan.stop()
      await timers.advance(5000)
      rescan.changed()
      await timers.advance(5000)
      expect(published).toEqual([])
      expect(timers.pending()).toBe(0)
    })
  })

  function setup() {
    const timers = new ManualTimers()
    const published: { ids: string[]; withdrawn: string[] }[] = []
    const errors: string[] = []
    let current: K8SliceFlavour[] = []
    let failures = 0
    let gate: Promise<void> | undefined
    let scanBroken = false
    let calls = 0
    let scans = 0
    const rescan = new DebouncedRescan({
      debounceMs: 2000,
      timers,
      scan: () => {
        if (scanBroken) throw new Error('scan failed')
        return current
      },
      publish: async (flavours, withdrawn) => {
        calls++
        if (gate) await gate
        if (failures > 0) {
          failures--
          throw new Error('participant unreachable')
        }
        published.push({ ids: flavours.map((f) => f.id), withdrawn })
      },
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    })
    const offer = (...items: (string | { id: string; cpu: string })[]) => {
      current = items.map((item) => {
        const { id, cpu } = typeof item === 'string' ? { id: item, cpu: '8' } : item
        const flavour = aK8SliceFlavour({ id })
        return { ...flavour, createdAt: new Date(++scans), spec: { ...flavour.spec, characteristics: { ...flavour.spec.characteristics, cpu: Quantity.parse(cpu) } } }
      })
    }
    const hold = () => {
      let release!: () => void
      gate = new Promise((resolve) => (release = resolve))
      return () => {
        gate = undefined
        release()
      }
    }
    return { rescan, timers, published, errors, offer, hold, failNext: () => (failures = 1), breakScan: () => (scanBroken = true), started: () => calls }
  }
})

class ManualTimers implements RescanTimers {
  private now = 0
  private nextId = 1
  private readonly queue = new Map<number, { at: number; run: () => void }>()

  setTimeout(run: () => void, ms: number): number {
    const id = this.nextId++
    this.queue.set(id, { at: this.now + ms, run })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.queue.delete(handle as number)
  }

  pending(): number {
    return this.queue.size
  }

  async advance(ms: number): Promise<void> {
    const until = this.now + ms
    for (;;) {
      await settle()
      const due = [...this.queue.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      this.queue.delete(due[0])
      this.now = due[1].at
      due[1].run()
    }
    this.now = until
    await settle()
  }
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

describe(ResourceScanner.name, () => {
  describe('start', () => {
    it('publishes the flavours of the nodes and pods it lists', async () => {
      const { scanner, seedNode, seedPod, lastPublished } = await setup()
      await seedNode(aNode({ name: 'worker-1' }))
      await seedNode(aNode({ name: 'control', labels: { 'node-role.kubernetes.io/control-plane': '' } }))
      await seedPod(aPod({ requests: { cpu: '2' } }))
      await scanner.start()
      expect(lastPublished()).toEqual({ cpu: { [idOf('worker-1')]: '6' }, withdrawn: [] })
    })
  })

  describe('a cluster that changes', () => {
    it('is republished: added and changed nodes and pods, then cordoned and deleted nodes withdrawn', async () => {
      const { scanner, seedNode, seedPod, core, lastPublished } = await setup()
      await seedNode(aNode({ name: 'worker-1' }))
      await scanner.start()
      await seedNode(aNode({ name: 'worker-2', allocatable: { cpu: '4' } }))
      await waitFor(() => expect(lastPublished().cpu).toEqual({ [idOf('worker-1')]: '8', [idOf('worker-2')]: '4' }))
      await seedPod(aPod({ nodeName: 'worker-2', requests: { cpu: '1' } }))
      await waitFor(() => expect(lastPublished().cpu[idOf('worker-2')]).toBe('3'))
      await core.deleteNamespacedPod({ name: 'app-1', namespace: 'default' })
      await waitFor(() => expect(lastPublished().cpu[idOf('worker-2')]).toBe('4'))
      await core.patchNode({ name: 'worker-1', body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))
      await waitFor(() => expect(lastPublished()).toEqual({ cpu: { [idOf('worker-2')]: '4' }, withdrawn: [idOf('worker-1')] }))
      await core.deleteNode({ name: 'worker-2' })
      await waitFor(() => expect(lastPublished()).toEqual({ cpu: {}, withdrawn: [idOf('worker-2')] }))
    })

    it('is followed again after its watches expire (410 Gone) and are relisted', async () => {
      const { scanner, seedNode, kube, lastPublished } = await setup()
      await seedNode(aNode({ name: 'worker-1' }))
      await scanner.start()
      kube.expireWatches()
      await seedNode(aNode({ name: 'worker-2' }))
      await waitFor(() => expect(Object.keys(lastPublished().cpu).sort()).toEqual([idOf('worker-1'), idOf('worker-2')].sort()))
    })
  })

  describe('an API server not up yet', () => {
    it('is listed again until it answers, and nothing is published before', async () => {
      const { scanner, seedNode, bringDown, bringUp, published, lastPublished, errors } = await setup()
      await bringDown()
      const started = scanner.start()
      await waitFor(() => expect(errors()).toBeGreaterThan(1))
      expect(published()).toBe(0)
      await bringUp()
      await seedNode(aNode({ name: 'worker-1' }))
      await started
      await waitFor(() => expect(lastPublished()).toEqual({ cpu: { [idOf('worker-1')]: '8' }, withdrawn: [] }))
    })
  })

  describe('commitments', () => {
    it('are subtracted when they change', async () => {
      const { scanner, seedNode, lastPublished, commit } = await setup()
      await seedNode(aNode({ name: 'worker-1' }))
      await scanner.start()
      commit({ id: 'contract-1', nodeName: 'worker-1', cpu: Quantity.parse('3') })
      scanner.changed()
      await waitFor(() => expect(lastPublished().cpu).toEqual({ [idOf('worker-1')]: '5' }))
    })
  })

  describe('stop', () => {
    it('ends the watches: later changes are not published', async () => {
      const { scanner, seedNode, published } = await setup()
      await seedNode(aNode({ name: 'worker-1' }))
      await scanner.start()
      await scanner.stop()
      await seedNode(aNode({ name: 'worker-2' }))
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(published()).toBe(1)
    })
  })

  const idOf = (nodeName: string) => flavourIdFor({ clusterId: 'cluster-a', domain: 'provider.local' }, nodeName)

  const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 5000, interval: 20 })

  async function setup() {
    let kube = await startFakeKube({ bookmarkIntervalMs: 60_000 })
    let errorCount = 0
    const kubeConfig = new KubeConfig()
    kubeConfig.loadFromOptions(kube.kubeconfig.options)
    const core = kubeConfig.makeApiClient(CoreV1Api)
    const publications: { flavours: K8SliceFlavour[]; withdrawn: string[] }[] = []
    const commitments: NodeCommitment[] = []
    const scanner = new ResourceScanner({
      kubeConfig,
      config: {
        clusterId: 'cluster-a',
        domain: 'provider.local',
        owner: { id: 'provider-1', ip: '127.0.0.1:30001', domain: 'provider.local' },
        price: { amount: '0.04', currency: 'EUR', period: 'hourly' },
        properties: {},
        partitionability: {
          cpuMin: Quantity.parse('1'),
          memoryMin: Quantity.parse('1Gi'),
          podsMin: Quantity.parse('1'),
          cpuStep: Quantity.parse('1'),
          memoryStep: Quantity.parse('1Gi'),
          podsStep: Quantity.parse('1'),
        },
        scan: { debounceMs: 2000 },
      },
      debounceMs: 20,
      restartMs: 20,
      commitments: () => commitments,
      onError: () => errorCount++,
      publish: async (flavours, withdrawn) => {
        publications.push({ flavours, withdrawn })
      },
    })
    const seedNode = async (node: V1Node) => {
      const created = await core.createNode({ body: { ...node, status: {} } })
      await core.replaceNodeStatus({ name: node.metadata!.name!, body: { ...created, status: node.status! } })
    }
    const seedPod = async (pod: V1Pod) => {
      const created = await core.createNamespacedPod({ namespace: 'default', body: { ...pod, status: {} } })
      await core.replaceNamespacedPodStatus({ name: pod.metadata!.name!, namespace: 'default', body: { ...created, status: pod.status! } })
    }
    const lastPublished = () => {
      const last = publications.at(-1)
      if (!last) throw new Error('nothing published yet')
      return { cpu: Object.fromEntries(last.flavours.map((f) => [f.id, f.spec.characteristics.cpu.toString()])), withdrawn: last.withdrawn }
    }
    onTestFinished(async () => {
      await scanner.stop()
      await kube.stop()
    })
    const port = Number(new URL(kube.url).port)
    const bringDown = () => kube.stop()
    const bringUp = async () => {
      kube = await startFakeKube({ bookmarkIntervalMs: 60_000, port })
    }
    return { kube, core, bringDown, bringUp, errors: () => errorCount, scanner, seedNode, seedPod, lastPublished, commit: (c: NodeCommitment) => commitments.push(c), published: () => publications.length }
  }
})
