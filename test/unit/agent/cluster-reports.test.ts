import { KubeConfig } from '@kubernetes/client-node'
import { afterEach, describe, expect, it } from 'vitest'
import { checkLiqo } from '../../../agent/cluster-reports.ts'
import { ClusterObjects } from '../../../agent/kube/cluster-objects.ts'
import { simulateLiqo, startFakeKube } from '../../../local/fake-kube/index.ts'

describe(checkLiqo.name, () => {
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop()
  })

  it('finds Liqo ready when its cluster id is published and its CRDs answer', async () => {
    const { kube } = await setup({ liqo: true })
    expect(await checkLiqo(kube)).toEqual({ clusterId: 'liqo-a', liqoReady: true })
  })

  it('finds it not installed on a cluster without its cluster id', async () => {
    const { kube } = await setup({ liqo: false })
    expect(await checkLiqo(kube)).toEqual({ liqoReady: false, detail: expect.stringContaining('not installed') })
  })

  it('says so when the API server does not answer', async () => {
    const { kube, fake } = await setup({ liqo: false })
    await fake.stop()
    expect(await checkLiqo(kube)).toEqual({ liqoReady: false, detail: expect.stringContaining('did not answer') })
  })

  async function setup(options: { liqo: boolean }) {
    const fake = await startFakeKube()
    const unregister = options.liqo ? simulateLiqo(fake, { clusterId: 'liqo-a' }) : () => {}
    stops.push(async () => {
      unregister()
      await fake.stop().catch(() => {})
    })
    const kubeConfig = new KubeConfig()
    kubeConfig.loadFromOptions(fake.kubeconfig.options)
    return { fake, kube: new ClusterObjects(kubeConfig) }
  }
})
