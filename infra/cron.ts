import { apiHost } from './api'
import { lambdaDefaults } from './lambda-defaults'
import { participant } from './settings'

const cronFunction = (handler: string) => ({ handler, ...lambdaDefaults(apiHost), timeout: '60 seconds' as const })

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
