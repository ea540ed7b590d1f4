import { apiFunction, api } from './api'
import { functionEnvironment } from './function-environment'
import { adminToken, peeringKubeconfig } from './secrets'
import { bundling, runtime } from './settings'
import { participantTable } from './tables'

/** Gives expired reservations' capacity back every minute (reads refuse expired holds regardless). */
export const expirySweeper = new sst.aws.Cron('ExpirySweeper', {
  schedule: 'rate(1 minute)',
  function: {
    handler: 'functions/cron/expiry-sweeper.handler',
    runtime,
    nodejs: bundling,
    timeout: '60 seconds',
    link: [participantTable, adminToken, peeringKubeconfig],
    environment: functionEnvironment(api.url.apply((url) => new URL(url).host)),
  },
})

export { apiFunction }
