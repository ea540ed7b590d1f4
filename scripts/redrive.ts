import { parseArgs } from 'node:util'
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { createSqsClient } from '../adapters/sqs/sqs-client.ts'

const HELP = `npm run redrive -- --dlq <queue-url> --to <queue-url> [options]

Moves chain messages that failed too often from a dead-letter queue back to the chain queue, so the
chain worker processes them again (handlers are idempotent: a message already applied changes nothing).

Options:
  --dlq <url>         the dead-letter queue to drain (sst: the ChainDeadLetters queue URL)
  --to <url>          the queue to move messages to (sst: the ChainQueue URL)
  --max <n>           move at most n messages (default: all)
  --dry-run           count the next batch (up to 10) that would move, move nothing
  --endpoint <url>    an SQS endpoint other than AWS's (e.g. the local fauxqs printed by npm start)
  --region <region>   AWS region (default: from the environment)
  -h, --help          this text
`

export interface RedriveResult {
  moved: number
  seen: number
}

/** Moves up to `max` messages from `dlq` to `to`, one at a time: sent first, then deleted, so none is lost. */
export async function redrive(client: SQSClient, dlq: string, to: string, options: { max?: number; dryRun?: boolean; onProgress?: (done: number) => void } = {}): Promise<RedriveResult> {
  const max = options.max ?? Number.POSITIVE_INFINITY
  let moved = 0
  let seen = 0
  while (seen < max) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: Math.min(10, max - seen), WaitTimeSeconds: 1, VisibilityTimeout: options.dryRun ? 0 : 30, MessageAttributeNames: ['All'] }),
    )
    if (!Messages.length) break
    for (const message of Messages) {
      seen++
      if (options.dryRun) continue
      await client.send(new SendMessageCommand({ QueueUrl: to, MessageBody: message.Body ?? '', MessageAttributes: message.MessageAttributes }))
      await client.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: message.ReceiptHandle! }))
      moved++
      options.onProgress?.(moved)
    }
    if (options.dryRun) break
  }
  return { moved, seen }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dlq: { type: 'string' },
      to: { type: 'string' },
      max: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help || !values.dlq || !values.to) {
    process.stdout.write(HELP)
    if (!values.help) process.exitCode = 2
    return
  }
  const max = values.max === undefined ? undefined : Number(values.max)
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new Error(`--max must be a positive integer, not ${values.max}`)
  const client = createSqsClient({ ...(values.endpoint ? { endpoint: values.endpoint } : {}), ...(values.region ? { region: values.region } : {}) })
  const result = await redrive(client, values.dlq, values.to, {
    ...(max ? { max } : {}),
    dryRun: values['dry-run'],
    onProgress: (done) => process.stderr.write(`\r[redrive] moved ${done}`),
  })
  process.stderr.write(`\n[redrive] ${values['dry-run'] ? `${result.seen} message(s) would move` : `moved ${result.moved} message(s)`} from ${values.dlq}\n`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`redrive failed: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
