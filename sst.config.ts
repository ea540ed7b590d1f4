/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  async app(input) {
    const { stageSettings } = await import('./infra/stage-settings')
    const { default: stages } = await import('./stages.json')
    const name = 'rear-cloud'
    const { production } = stageSettings(name, input.stage, stages)
    return { name, home: 'aws', removal: production ? 'retain' : 'remove', protect: production }
  },
  async run() {
    const { participantTable } = await import('./infra/tables')
    await import('./infra/secrets')
    await import('./infra/index-snapshots')
    const { api } = await import('./infra/api')
    await import('./infra/cron')
    await import('./infra/queues')
    return { api: api.url, table: participantTable.name }
  },
})
