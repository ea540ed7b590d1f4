import { apiUrl } from './api'
import { lambdaDefaults } from './lambda-defaults'
import { participant } from './settings'

import { agentQueue, chainQueue } from './queue-resources'

const cronFunction = (handler: string, links: $util.Input<unknown>[] = []) => ({ handler, ...lambdaDefaults(apiUrl, links), timeout: '60 seconds' as const })

/**
 * Every minute: gives expired reservations' capacity back, drops stale candidates, and settles chain
 * hops past their deadline or with an undrained outbox (which sends chain messages and agent commands).
 */
export const expirySweeper = new sst.aws.Cron('ExpirySweeper', {
  schedule: 'rate(1 minute)',
  function: cronFunction('functions/cron/expiry-sweeper.handler', [chainQueue, agentQueue]),
})

/** Nodes push their flavours to their supernode and catalogs every minute (REFRESH / WITHDRAW). */
export const flavourPublisher =
  participant.role === 'node'
    ? new sst.aws.Cron('FlavourPublisher', { schedule: 'rate(1 minute)', function: cronFunction('functions/cron/flavour-publisher.handler') })
    : undefined
