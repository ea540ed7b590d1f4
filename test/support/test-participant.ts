import { composeParticipant } from '../../functions/composition.ts'
import { loadConfig } from '../../functions/config.ts'
import { createApp } from '../../functions/http/create-app.ts'
import { silentLogger } from '../../adapters/logging/json-logger.ts'
import type { Logger } from '../../core/shared/ports.ts'
import { FakeClock } from './fake-clock.ts'
import { createTestTable } from './dynamo-test-table.ts'

export interface TestParticipantOptions {
  env?: Record<string, string>
  logger?: Logger
}

/** A provider node on its own fresh table, with a fake clock, served through `app.request()`. */
export async function createTestParticipant(options: TestParticipantOptions = {}) {
  const table = await createTestTable('node')
  const clock = new FakeClock()
  const config = loadConfig({
    PARTICIPANT_ID: 'provider-1',
    PARTICIPANT_DOMAIN: 'provider.local',
    PARTICIPANT_ENDPOINT: '127.0.0.1:30001',
    TABLE_NAME: table.tableName,
    LIQO_CLUSTER_ID: 'liqo-provider',
    PEERING_KUBECONFIG: 'cHJvdmlkZXIta3ViZWNvbmZpZw==',
    ...options.env,
  })
  const participant = composeParticipant(config, { table, clock, logger: options.logger ?? silentLogger })
  const app = createApp(participant.app)
  return { app, clock, table, participant }
}
