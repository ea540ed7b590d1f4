import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs'
import { createSqsClient } from '../../../adapters/sqs/sqs-client.ts'
import { ensureParticipantQueues, MAX_RECEIVE_COUNT } from '../../../local/sqs-queues.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/emulators.ts'
import { redrive } from '../../../scripts/redrive.ts'

describe(redrive.name, () => {
  it('moves dead letters back to the chain queue, none lost', async () => {
    const { client, queues } = await setup()
    for (let i = 0; i < 3; i++) await client.send(new SendMessageCommand({ QueueUrl: queues.dlq, MessageBody: `{"n":${i}}` }))
    const dry = await redrive(client, queues.dlq, queues.chain, { dryRun: true })
    expect(dry).toEqual({ moved: 0, seen: 3 })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const result = await redrive(client, queues.dlq, queues.chain)
    expect(result.moved).toBe(3)
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queues.chain, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))
    expect(Messages.map((m) => m.Body).sort()).toEqual(['{"n":0}', '{"n":1}', '{"n":2}'])
  })

  it('bounds how often a chain message is received before it goes to the DLQ', async () => {
    const { client, queues } = await setup()
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queues.chain, AttributeNames: ['RedrivePolicy'] }))
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toMatchObject({ maxReceiveCount: MAX_RECEIVE_COUNT })
  })

  it('redrives the local federation’s queues by their printed URLs, with no AWS region or credentials set', async () => {
    const { client, queues } = await setup()
    for (let i = 0; i < 2; i++) await client.send(new SendMessageCommand({ QueueUrl: queues.dlq, MessageBody: `{"n":${i}}` }))
    const run = redriveCli(['--dlq', queues.dlq, '--to', queues.chain])
    expect(run.stderr).toContain('moved 2 message(s)')
    expect(run.status).toBe(0)
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queues.chain, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))
    expect(Messages).toHaveLength(2)
  })

  function redriveCli(args: string[]) {
    const home = mkdtempSync(join(tmpdir(), 'redrive-home-'))
    return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/redrive.ts', ...args], {
      cwd: new URL('../../../', import.meta.url).pathname,
      env: { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), AWS_EC2_METADATA_DISABLED: 'true' },
      encoding: 'utf8',
      timeout: 20_000,
    })
  }

  async function setup() {
    const client = createSqsClient({ endpoint: inject('sqsEndpoint'), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
    const queues = await ensureParticipantQueues(client, `redrive-${randomUUID().slice(0, 8)}`)
    return { client, queues }
  }
})
