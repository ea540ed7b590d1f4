/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    return {
      name: 'rear-cloud',
      home: 'aws',
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      protect: input?.stage === 'production',
    }
  },
  async run() {
    const { participantTable } = await import('./infra/tables')
    await import('./infra/secrets')
    const { api } = await import('./infra/api')
    await import('./infra/cron')
    await import('./infra/queues')
    return { api: api.url, table: participantTable.name }
  },
})
