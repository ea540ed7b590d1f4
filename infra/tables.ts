import { isProduction } from './settings'

/** One table per participant; keys and index as adapters/dynamo/table-schema.ts defines them. */
export const participantTable = new sst.aws.Dynamo('ParticipantTable', {
  fields: { pk: 'string', sk: 'string', gsi1pk: 'string', gsi1sk: 'string' },
  primaryIndex: { hashKey: 'pk', rangeKey: 'sk' },
  globalIndexes: { gsi1: { hashKey: 'gsi1pk', rangeKey: 'gsi1sk' } },
  ttl: 'expireAt',
  deletionProtection: isProduction,
  transform: {
    table: (args) => {
      args.pointInTimeRecovery = { enabled: true }
      args.billingMode = 'PAY_PER_REQUEST'
    },
  },
})
