import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClusterRole, PeeringData, PeeringStep } from '../../../core/cluster/cluster-commands.ts'
import { ClusterObjects } from '../../../agent/kube/cluster-objects.ts'
import { LiqoPeering, sliceName, tenantNamespace } from '../../../agent/commands/liqo-peering.ts'
import { Workloads } from '../../../agent/commands/workloads.ts'
import type { WorkloadReport } from '../../../agent/commands/workloads.ts'
import { runCommand } from '../../../agent/commands/run-command.ts'
import type { CommandOutcome } from '../../../agent/commands/run-command.ts'
import { simulateLiqo, startFakeKube } from '../../../local/fake-kube/index.ts'
import type { FakeKube, LiqoFailures } from '../../../local/fake-kube/index.ts'

const CONSUMER = 'liqo-consumer'
const PROVIDER = 'liqo-provider'
const RESOURCES = { cpu: '2', memory: '4Gi', pods: '10' }

const aDeployment = (name: string, replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
})

describe('agent commands against fake clusters with Liqo simulated', () => {
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop()
  })

  describe('peering', () => {
    it('ends with the contract’s virtual node Ready on the consumer, both sides reported active, no kubeconfig exchanged', async () => {
      const { buy, consumer, provider, reports, steps } = await setup()
      await buy('chain-a')
      expect(reports.filter((r) => r.kind === 'peering')).toEqual([
        { kind: 'peering', role: 'provider', chainId: 'chain-a', status: 'active', detail: expect.stringContaining('Tenant') },
        { kind: 'peering', role: 'consumer', chainId: 'chain-a', status: 'active', detail: `virtual node ${sliceName('chain-a')} Ready` },
      ])
      expect(await consumer.node(sliceName('chain-a'))).toMatchObject({ status: { conditions: [expect.objectContaining({ type: 'Ready', status: 'True' })] } })
      expect(await provider.custom('authentication.liqo.io', 'tenants', tenantNamespace(CONSUMER), CONSUMER)).toMatchObject({ status: { tenantNamespace: tenantNamespace(CONSUMER) } })
      expect(steps.map((s) => s.step)).toEqual(['provider-hello', 'consumer-tenant', 'provider-identity'])
      expect(JSON.stringify(steps)).not.toMatch(/kubeconfig|privateKey|BEGIN PRIVATE/i)
    })

    it('gives two contracts with one provider two virtual nodes over one peering', async () => {
      const { buy, consumer } = await setup()
      await buy('chain-a')
      await buy('chain-b')
      const virtual = (await consumer.core.listNode({ labelSelector: 'liqo.io/type=virtual-node' })).items.map((n) => n.metadata?.name).sort()
      expect(virtual).toEqual([sliceName('chain-a'), sliceName('chain-b')])
      expect((await consumer.core.readNamespace({ name: tenantNamespace(PROVIDER) })).metadata?.annotations?.['rear.fluidos.eu/chains']).toBe('chain-a,chain-b')
    })

    it('fails with the peering reported in error when a readiness deadline passes', async () => {
      const { buy, reports } = await setup({ providerFail: { Tenant: true }, timeoutMs: 300 })
      const outcomes = await buy('chain-a')
      expect(outcomes.at(-1)).toEqual({ outcome: 'failed', detail: 'Tenant not ready after 0 s' })
      expect(reports).toContainEqual(expect.objectContaining({ kind: 'peering', role: 'provider', status: 'error', detail: 'Tenant not ready after 0 s' }))
    })

    it('leaves a command for redelivery after an error; a restarted agent finishes the job when it comes back', async () => {
      const { buy, consumer, redeliver, restart } = await setup()
      consumer.down = true
      const outcomes = await buy('chain-a')
      expect(outcomes.at(-1)).toEqual({ outcome: 'retry', detail: 'participant unreachable' })
      consumer.down = false
      restart()
      await redeliver()
      expect(await consumer.node(sliceName('chain-a'))).toMatchObject({ metadata: { name: sliceName('chain-a') } })
    })

    it('acts once for every command delivered twice, and an agent restarted mid-peering finishes the job', async () => {
      const { buy, consumer, provider, steps } = await setup({ twice: true })
      await buy('chain-a')
      expect(steps.map((s) => s.step)).toEqual(['provider-hello', 'consumer-tenant', 'provider-identity'])
      expect((await consumer.core.listNode({ labelSelector: 'liqo.io/type=virtual-node' })).items).toHaveLength(1)
      expect((await provider.customList('networking.liqo.io', 'gatewayservers', tenantNamespace(CONSUMER))).items).toHaveLength(1)
    })
  })

  describe('workloads', () => {
    it('land on the contract’s virtual node only, and their pod readiness is reported', async () => {
      const { buy, run, consumer, reports } = await setup()
      await buy('chain-a')
      await buy('chain-b')
      const outcome = await run('consumer', { command: 'DEPLOY_WORKLOAD', chainId: 'chain-b', workloadId: 'web', namespace: 'web', remoteClusterId: PROVIDER, manifests: [aDeployment('web')] })
      expect(outcome).toEqual({ outcome: 'done', detail: `2/2 pods Ready on ${sliceName('chain-b')}` })
      const pods = (await consumer.core.listNamespacedPod({ namespace: 'web' })).items
      expect(pods.map((p) => p.spec?.nodeName)).toEqual([sliceName('chain-b'), sliceName('chain-b')])
      expect(reports.filter((r) => r.kind === 'workload').map((r) => (r as { report: WorkloadReport }).report.phase)).toEqual(['deploying', 'running'])
    })

    it('refuse unsupported kinds before writing anything', async () => {
      const { buy, run, consumer } = await setup()
      await buy('chain-a')
      const outcome = await run('consumer', { command: 'DEPLOY_WORKLOAD', chainId: 'chain-a', workloadId: 'web', namespace: 'web', remoteClusterId: PROVIDER, manifests: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' } }] })
      expect(outcome.outcome).toBe('failed')
      await expect(consumer.core.readNamespace({ name: 'web' })).rejects.toMatchObject({ code: 404 })
    })
  })

  describe('tear-down', () => {
    it('removes the contract’s workloads and slice, keeps the peering for the other contract, and removes it with the last', async () => {
      const { buy, run, consumer, provider } = await setup()
      await buy('chain-a')
      await buy('chain-b')
      await run('consumer', { command: 'DEPLOY_WORKLOAD', chainId: 'chain-a', workloadId: 'web', namespace: 'web', remoteClusterId: PROVIDER, manifests: [aDeployment('web', 1)] })
      const first = await run('consumer', { command: 'TEAR_DOWN', chainId: 'chain-a', role: 'consumer', remoteClusterId: PROVIDER, reason: 'released' })
      expect(first.detail).toMatch(/1 workload\(s\) removed; removed ResourceSlice; peering with liqo-provider kept for 1 other contract/)
      await expect(consumer.core.readNamespace({ name: 'web' })).rejects.toMatchObject({ code: 404 })
      expect((await consumer.core.listNode({ labelSelector: 'liqo.io/type=virtual-node' })).items.map((n) => n.metadata?.name)).toEqual([sliceName('chain-b')])
      await run('consumer', { command: 'TEAR_DOWN', chainId: 'chain-b', role: 'consumer', remoteClusterId: PROVIDER, reason: 'released' })
      await run('provider', { command: 'TEAR_DOWN', chainId: 'chain-a', role: 'provider', remoteClusterId: CONSUMER, reason: 'released' })
      await run('provider', { command: 'TEAR_DOWN', chainId: 'chain-b', role: 'provider', remoteClusterId: CONSUMER, reason: 'released' })
      await expect(consumer.core.readNamespace({ name: tenantNamespace(PROVIDER) })).rejects.toMatchObject({ code: 404 })
      await expect(provider.core.readNamespace({ name: tenantNamespace(CONSUMER) })).rejects.toMatchObject({ code: 404 })
      const again = await run('consumer', { command: 'TEAR_DOWN', chainId: 'chain-b', role: 'consumer', remoteClusterId: PROVIDER, reason: 'released' })
      expect(again).toEqual({ outcome: 'done', detail: 'nothing left to remove' })
    })
  })

  async function setup(options: { providerFail?: LiqoFailures; timeoutMs?: number; twice?: boolean } = {}) {
    const steps: { from: ClusterRole; chainId: string; step: PeeringStep; data: PeeringData }[] = []
    const reports: ({ kind: 'peering'; role: ClusterRole; chainId: string; status: string; detail?: string } | { kind: 'workload'; chainId: string; name: string; report: WorkloadReport })[] = []
    const queued: { to: ClusterRole; command: Record<string, unknown> }[] = []
    const cluster = async (clusterId: string, fail?: LiqoFailures) => {
      const fake: FakeKube = await startFakeKube()
      const unregister = simulateLiqo(fake, { clusterId, ...(fail ? { fail } : {}) })
      stops.push(async () => {
        unregister()
        await fake.stop()
      })
      const kubeConfig = new KubeConfig()
      kubeConfig.loadFromOptions(fake.kubeconfig.options)
      const core = kubeConfig.makeApiClient(CoreV1Api)
      const custom = kubeConfig.makeApiClient(CustomObjectsApi)
      const side = {
        kube: fake,
        down: false,
        core,
        node: (name: string) => core.readNode({ name }),
        custom: (group: string, plural: string, namespace: string, name: string) => custom.getNamespacedCustomObject({ group, version: 'v1beta1', plural, namespace, name }),
        customList: (group: string, plural: string, namespace: string) => custom.listNamespacedCustomObject({ group, version: 'v1beta1', plural, namespace }) as Promise<{ items: unknown[] }>,
        objects: new ClusterObjects(kubeConfig, { timeoutMs: options.timeoutMs ?? 10_000, firstDelayMs: 10, maxDelayMs: 50 }),
      }
      return side
    }
    const consumer = await cluster(CONSUMER)
    const provider = await cluster(PROVIDER, options.providerFail)
    const depsFor = (role: ClusterRole) => {
      const participant = {
        sendPeering: async (chainId: string, step: PeeringStep, data: PeeringData) => {
          if (role === 'consumer' && consumer.down) throw new Error('participant unreachable')
          steps.push({ from: role, chainId, step, data })
          const to: ClusterRole = role === 'consumer' ? 'provider' : 'consumer'
          queued.push({ to, command: { command: 'PEER', chainId, role: to, remoteClusterId: to === 'consumer' ? PROVIDER : CONSUMER, step, data } })
        },
        reportPeering: async (chainId: string, status: 'active' | 'error', detail?: string) =>
          void reports.push({ kind: 'peering', role, chainId, status, ...(detail ? { detail } : {}) }),
        reportWorkload: async (chainId: string, name: string, report: WorkloadReport) => void reports.push({ kind: 'workload', chainId, name, report }),
      }
      const side = role === 'consumer' ? consumer : provider
      return { peering: new LiqoPeering(side.objects, participant), workloads: new Workloads(side.objects, { podsTimeoutMs: 10_000 }), participant }
    }
    const deps = { consumer: depsFor('consumer'), provider: depsFor('provider') }
    /** A new agent process: nothing kept in memory, everything read back from the cluster. */
    const restart = () => Object.assign(deps, { consumer: depsFor('consumer'), provider: depsFor('provider') })
    const run = async (to: ClusterRole, command: Record<string, unknown>): Promise<CommandOutcome> => {
      const { command: type, ...payload } = command
      const outcome = await runCommand(deps[to], String(type), payload)
      if (options.twice) await runCommand(deps[to], String(type), payload)
      return outcome
    }
    /** The purchase's two DEPLOY_VIRTUAL_ROUTER commands, then every PEER command the steps produce, as the chain would carry them. */
    const buy = async (chainId: string) => {
      const outcomes = [
        await run('provider', { command: 'DEPLOY_VIRTUAL_ROUTER', chainId, role: 'provider', remoteClusterId: CONSUMER, declarative: true }),
        await run('consumer', { command: 'DEPLOY_VIRTUAL_ROUTER', chainId, role: 'consumer', remoteClusterId: PROVIDER, declarative: true, resources: RESOURCES }),
      ]
      await drain(outcomes)
      return outcomes
    }
    const redeliveries: typeof queued = []
    const drain = async (outcomes: CommandOutcome[] = []) => {
      for (let next = queued.shift(); next; next = queued.shift()) {
        const outcome = await run(next.to, next.command)
        if (outcome.outcome === 'retry') redeliveries.push(next)
        outcomes.push(outcome)
      }
    }
    /** The queue hands out again what was left unacknowledged. */
    const redeliver = async () => {
      queued.push(...redeliveries.splice(0))
      await drain()
    }
    return { buy, run, redeliver, restart, consumer, provider, reports, steps }
  }
})
