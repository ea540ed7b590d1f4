import { parseArgs } from 'node:util'
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { createSqsClient } from '../adapters/sqs/sqs-client.ts'
import type { SqsConfig } from '../adapters/sqs/sqs-client.ts'
import { LOCAL_CREDENTIALS, localSqsEndpoint } from '../local/local-aws.ts'

/** `npm run redrive -- --help`: every option `parseRedriveCommand` accepts. */
export const REDRIVE_HELP = `npm run redrive -- --dlq <queue-url> --to <queue-url> [options]

Moves messages that failed too often from a dead-letter queue back to its work queue, so the chain
worker (or the agent) processes them again (handlers are idempotent: a message already applied
changes nothing).

Options:
  --dlq <url>         the dead-letter queue to drain (sst: the ChainDeadLetters or AgentDeadLetters
                      queue URL; npm start prints each participant's "chain DLQ" and "agent DLQ")
  --to <url>          the queue to move messages to (sst: the ChainQueue or AgentQueue URL; npm start:
                      the participant's "chain" or "agent" queue)
  --max <n>           move at most n messages (default: all)
  --dry-run           count the next batch (up to 10) that would move, move nothing
  --endpoint <url>    an SQS endpoint other than AWS's
  --region <region>   AWS region (default: from the URL of a local queue, else the environment)
  --local             talk to the local federation's SQS (fauxqs): endpoint from the queue URL,
                      region from it too, dummy credentials. Implied by a local queue URL
                      (http://sqs.<region>.127.0.0.1:<port>/... or another loopback host)
  -h, --help          this text

Against AWS, the region and credentials come from the usual AWS environment (AWS_REGION,
AWS_PROFILE, ~/.aws); against the local federation no AWS setup is needed.
`

export class RedriveUsageError extends Error {
  override name = 'RedriveUsageError'
}

export type RedriveCommand =
  | { help: true; missing: boolean }
  | { help: false; dlq: string; to: string; max?: number; dryRun: boolean; sqs: SqsConfig; local: boolean }

/**
 * The SQS client settings and the work of one redrive, from its arguments: a local queue URL needs
 * no AWS region or credentials, the printed URLs of `npm start` just work.
 */
export function parseRedriveCommand(argv: readonly string[]): RedriveCommand {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      options: {
        dlq: { type: 'string' },
        to: { type: 'string' },
        max: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        local: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }))
  } catch (error) {
    throw new RedriveUsageError(`${error instanceof Error ? error.message : String(error)} (see npm run redrive -- --help)`)
  }
  if (values.help || !values.dlq || !values.to) return { help: true, missing: !values.help }
  const max = values.max === undefined ? undefined : /^\d+$/.test(values.max) ? Number(values.max) : NaN
  if (max !== undefined && !(max > 0)) throw new RedriveUsageError(`--max must be a positive integer, not ${values.max}`)
  const dlqLocal = localSqsEndpoint(values.dlq)
  const toLocal = localSqsEndpoint(values.to)
  if (Boolean(dlqLocal) !== Boolean(toLocal)) throw new RedriveUsageError('--dlq and --to must be queues of the same SQS: one is a local queue, the other is not')
  const local = values.local || Boolean(dlqLocal)
  if (local && !dlqLocal && !values.endpoint) throw new RedriveUsageError('--local needs a local queue URL (npm start prints them) or --endpoint')
  const region = values.region ?? dlqLocal?.region
  const endpoint = values.endpoint ?? dlqLocal?.endpoint
  return {
    help: false,
    dlq: values.dlq,
    to: values.to,
    ...(max !== undefined ? { max } : {}),
    dryRun: values['dry-run'],
    local,
    sqs: { ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}), ...(local ? { credentials: LOCAL_CREDENTIALS } : {}) },
  }
}

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
  const command = parseRedriveCommand(process.argv.slice(2))
  if (command.help) {
    process.stdout.write(REDRIVE_HELP)
    if (command.missing) process.exitCode = 2
    return
  }
  if (command.local) process.stderr.write(`[redrive] local SQS at ${command.sqs.endpoint} (${command.sqs.region ?? 'default region'}, dummy credentials)\n`)
  const client = createSqsClient(command.sqs)
  const result = await redrive(client, command.dlq, command.to, {
    ...(command.max ? { max: command.max } : {}),
    dryRun: command.dryRun,
    onProgress: (done) => process.stderr.write(`\r[redrive] moved ${done}`),
  })
  client.destroy()
  process.stderr.write(`\n[redrive] ${command.dryRun ? `${result.seen} message(s) would move` : `moved ${result.moved} message(s)`} from ${command.dlq}\n`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`redrive failed: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
