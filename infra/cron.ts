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

/**
 * Every 5 minutes each listing index (a node's own flavours, an aggregator's publications), caught up with the
 * change log, is written to the IndexSnapshots bucket, so a cold function loads one object instead of reading
 * the table (the log keeps a day).
 */
export const indexCompactor = new sst.aws.Cron('IndexCompactor', {
  schedule: 'rate(5 minutes)',
  function: { ...cronFunction('functions/cron/index-compactor.handler'), timeout: '300 seconds' as const, memory: '1769 MB' as const },
})
