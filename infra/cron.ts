import { api } from './api'
import { functionEnvironment } from './function-environment'
import { adminToken, peeringKubeconfig } from './secrets'
import { bundling, participant, runtime } from './settings'
import { participantTable } from './tables'

const cronFunction = (handler: string) => ({
  handler,
  runtime,
  nodejs: bundling,
  timeout: '60 seconds' as const,
  link: [participantTable, adminToken, peeringKubeconfig],
  environment: functionEnvironment(api.url.apply((url) => new URL(url).host)),
})

/** Gives expired reservations' capacity back and drops stale candidates every minute (reads refuse them regardless). */
export const expirySweeper = new sst.aws.Cron('ExpirySweeper', {
  schedule: 'rate(1 minute)',
  function: cronFunction('functions/cron/expiry-sweeper.handler'),
})

/** Nodes push their flavours to their supernode and catalogs every minute (REFRESH / WITHDRAW). */
export const flavourPublisher =
  participant.role === 'node'
    ? new sst.aws.Cron('FlavourPublisher', { schedule: 'rate(1 minute)', function: cronFunction('functions/cron/flavour-publisher.handler') })
    : undefined
