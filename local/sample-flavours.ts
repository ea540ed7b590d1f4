import { Quantity } from '../core/quantity/quantity.ts'
import type { Flavour, NodeIdentity, Partitionability } from '../core/flavours/model.ts'

const q = Quantity.parse

const partitionability = (): Partitionability => ({
  cpuMin: q('1'),
  memoryMin: q('1Gi'),
  podsMin: q('1'),
  cpuStep: q('1'),
  memoryStep: q('512Mi'),
  podsStep: q('1'),
})

/** What `npm start` advertises on a seller: two K8Slices (one with a GPU) and a database service. */
export function sampleFlavours(owner: NodeIdentity, now: Date): Flavour[] {
  const base = {
    providerId: owner.id,
    networkPropertyType: 'networkProperty',
    createdAt: now,
    location: { latitude: '45.07', longitude: '7.69', country: 'Italy', city: 'Turin' },
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
    {
      ...base,
      id: `${owner.domain}-service-db01`,
      price: { amount: '15', currency: 'EUR', period: 'monthly' },
      spec: {
        type: 'service',
        name: 'mysql',
        description: 'A managed MySQL database',
        category: 'database',
        tags: ['database', 'mysql'],
        hostingPolicies: ['Provider', 'Consumer'],
        configurationTemplate: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: { username: { type: 'string' }, password: { type: 'string' }, database: { type: 'string' } },
          required: ['username', 'password', 'database'],
        },
      },
    },
  ]
}
