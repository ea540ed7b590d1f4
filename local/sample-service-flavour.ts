import type { NodeIdentity, ServiceFlavour } from '../core/flavours/model.ts'

/** Where the local federation's sample offers are: Turin, as the agents' K8Slice flavours. */
export const SAMPLE_LOCATION = { latitude: '45.07', longitude: '7.69', country: 'Italy', city: 'Turin' } as const

/**
 * The managed database a seller of `npm start` offers beside its clusters' K8Slices. The agent scans
 * only Nodes and Pods, so this service flavour is seeded the way an operator would publish it.
 */
export function sampleServiceFlavour(owner: NodeIdentity, now: Date): ServiceFlavour {
  return {
    id: `${owner.domain}-service-db01`,
    providerId: owner.id,
    networkPropertyType: 'networkProperty',
    createdAt: now,
    location: { ...SAMPLE_LOCATION },
    owner,
    available: true,
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
  }
}
