import { randomUUID } from 'node:crypto'
import { describe, expect, it, inject } from 'vitest'
import { ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs'
import { createSqsClient } from '../../../adapters/sqs/sqs-client.ts'
import { SqsAgentInbox } from '../../../adapters/sqs/sqs-agent-inbox.ts'
import { SqsAgentCommands } from '../../../adapters/sqs/sqs-chain-queue.ts'
import { ConflictError } from '../../../core/shared/errors.ts'
import { ensureParticipantQueues, MAX_RECEIVE_COUNT } from '../../../local/sqs-queues.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/emulators.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe(SqsAgentInbox.name, () => {
  it('hands out what SqsAgentCommands queued: id, receipt, type, payload and receive count', async () => {
    const { inbox, commands } = await setup()
    await commands.send({ command: 'TEAR_DOWN', chainId: 'chain-1', role: 'consumer', remoteClusterId: 'provider-cluster', reason: 'ended' })
    const [command, ...rest] = await inbox.receive(1, 10)
    expect(rest).toEqual([])
    expect(command).toEqual({
      id: expect.any(String),
      receipt: expect.any(String),
      type: 'TEAR_DOWN',
      payload: { chainId: 'chain-1', role: 'consumer', remoteClusterId: 'provider-cluster', reason: 'ended' },
      receivedCount: 1,
    })
  })

  it('answers nothing after the wait when the queue is empty', async () => {
    const { inbox } = await setup()
    expect(await inbox.receive(0, 10)).toEqual([])
  })

  it('deletes an acknowledged command, so it never comes back', async () => {
    const { inbox, client, queues } = await setup()
    await client.send(new SendMessageCommand({ QueueUrl: queues.agent, MessageBody: '{"command":"X"}' }))
    const [command] = await inbox.receive(1, 10)
    await inbox.acknowledge(command!.receipt)
    await sleep(1200)
    expect(await inbox.receive(0, 10)).toEqual([])
  })

  it('hands an unacknowledged command out again after the visibility timeout, counted, with the same id', async () => {
    const { inbox, client, queues } = await setup({ VisibilityTimeout: '1' })
    await client.send(new SendMessageCommand({ QueueUrl: queues.agent, MessageBody: '{"command":"X"}' }))
    const [first] = await inbox.receive(1, 10)
    await sleep(1300)
    const [second] = await inbox.receive(2, 10)
    expect(second).toMatchObject({ id: first!.id, receivedCount: 2 })
  })

  it('keeps a command hidden while its visibility is extended', async () => {
    const { inbox, client, queues } = await setup({ VisibilityTimeout: '1' })
    await client.send(new SendMessageCommand({ QueueUrl: queues.agent, MessageBody: '{"command":"X"}' }))
    const [command] = await inbox.receive(1, 10)
    await inbox.extend(command!.receipt, 5)
    await sleep(1500)
    expect(await inbox.receive(0, 10)).toEqual([])
  })

  it('hands out an unreadable body as UNKNOWN, so the agent can fail it', async () => {
    const { inbox, client, queues } = await setup()
    await client.send(new SendMessageCommand({ QueueUrl: queues.agent, MessageBody: 'not json' }))
    expect(await inbox.receive(1, 10)).toEqual([expect.objectContaining({ type: 'UNKNOWN', payload: { body: 'not json' } })])
  })

  it('refuses to extend with a receipt that names no delivery', async () => {
    const { inbox } = await setup()
    await expect(inbox.extend('not-a-receipt', 5)).rejects.toBeInstanceOf(ConflictError)
  })

  it('sends a command never acknowledged to the DLQ after 5 receives', async () => {
    const { inbox, client, queues } = await setup({ VisibilityTimeout: '1' })
    await client.send(new SendMessageCommand({ QueueUrl: queues.agent, MessageBody: '{"command":"X"}' }))
    const counts: number[] = []
    for (let i = 0; i < MAX_RECEIVE_COUNT + 1; i++) {
      counts.push(...(await inbox.receive(2, 10)).map((c) => c.receivedCount))
      await sleep(1100)
    }
    expect(counts).toEqual([1, 2, 3, 4, 5])
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queues.agentDlq, WaitTimeSeconds: 1 }))
    expect(Messages.map((m) => m.Body)).toEqual(['{"command":"X"}'])
  }, 30_000)

  async function setup(attributes: Record<string, string> = {}) {
    const endpoint = inject('sqsEndpoint')
    const client = createSqsClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
    const queues = await ensureParticipantQueues(client, `agent-inbox-${randomUUID().slice(0, 8)}`)
    if (Object.keys(attributes).length > 0) await client.send(new SetQueueAttributesCommand({ QueueUrl: queues.agent, Attributes: attributes }))
    const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }
    const send = async (input: ConstructorParameters<typeof SendMessageCommand>[0]) => void (await client.send(new SendMessageCommand(input)))
    return { client, queues, inbox: new SqsAgentInbox(config, queues.agent), commands: new SqsAgentCommands(send, queues.agent) }
  }
})
