import { Quantity } from '../../core/quantity/quantity.ts'
import type { Flavour, NodeIdentity, Partitionability } from '../../core/flavours/model.ts'
import { SAMPLE_LOCATION, sampleServiceFlavour } from '../../local/sample-service-flavour.ts'

const q = Quantity.parse

const partitionability = (): Partitionability => ({
  cpuMin: q('1'),
  memoryMin: q('1Gi'),
  podsMin: q('1'),
  cpuStep: q('1'),
  memoryStep: q('512Mi'),
  podsStep: q('1'),
})

/**
 * Fixed-id samples for tests and benches that need known flavour ids (`<domain>-k8slice-a001`,
 * `-g001`, `-service-db01`): two K8Slices (one with a GPU) and the database service, which is
 * `npm start`'s own seed (`local/sample-service-flavour.ts`). `npm start` does not seed the K8Slices:
 * its sellers' K8Slice flavours come from their fake clusters' nodes, published by the agent
 * (`local/member-clusters.ts`).
 */
export function sampleFlavours(owner: NodeIdentity, now: Date): Flavour[] {
  const base = {
    providerId: owner.id,
    networkPropertyType: 'networkProperty',
    createdAt: now,
    location: { ...SAMPLE_LOCATION },
    owner,
    available: true,
  }
  return [
    {
      ...base,
      id: `${owner.domain}-k8slice-a001`,
      price: { amount: '0.04', currency: 'EUR', period: 'hourly' },
      spec: {
        type: 'k8slice',
        characteristics: { architecture: 'amd64', cpu: q('8'), memory: q('16Gi'), pods: q('110'), storage: q('100Gi') },
        properties: { latency: 10, securityStandards: ['GDPR'] },
        partitionability: partitionability(),
      },
    },
    {
      ...base,
      id: `${owner.domain}-k8slice-g001`,
      price: { amount: '1.20', currency: 'EUR', period: 'hourly' },
      spec: {
        type: 'k8slice',
        characteristics: {
          architecture: 'amd64',
          cpu: q('16'),
          memory: q('64Gi'),
          pods: q('110'),
          gpu: { model: 'nvidia-a100', cores: q('2'), memory: q('80Gi') },
        },
        properties: {},
        partitionability: { ...partitionability(), gpuMin: q('1'), gpuStep: q('1') },
      },
    },
    sampleServiceFlavour(owner, now),
  ]
}
