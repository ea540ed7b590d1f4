import { describe, expect, it } from 'vitest'
import { LOCAL_CREDENTIALS } from '../../../local/local-aws.ts'
import { parseRedriveCommand, REDRIVE_HELP } from '../../../scripts/redrive.ts'

const LOCAL_DLQ = 'http://sqs.us-east-1.127.0.0.1:46737/000000000000/rear-provider-node-chain-dlq'
const LOCAL_QUEUE = 'http://sqs.us-east-1.127.0.0.1:46737/000000000000/rear-provider-node-chain'
const AWS_DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ChainDeadLetters'
const AWS_QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ChainQueue'

describe(parseRedriveCommand.name, () => {
  it('talks to fauxqs with dummy credentials when given the queue URLs npm start prints', () => {
    expect(parseRedriveCommand(['--dlq', LOCAL_DLQ, '--to', LOCAL_QUEUE])).toMatchObject({
      local: true,
      sqs: { endpoint: 'http://127.0.0.1:46737', region: 'us-east-1', credentials: LOCAL_CREDENTIALS },
    })
  })

  it('leaves endpoint, region and credentials of AWS queues to the AWS environment', () => {
    expect(parseRedriveCommand(['--dlq', AWS_DLQ, '--to', AWS_QUEUE])).toMatchObject({ local: false, sqs: {} })
    expect(parseRedriveCommand(['--dlq', AWS_DLQ, '--to', AWS_QUEUE, '--region', 'eu-west-1'])).toMatchObject({ sqs: { region: 'eu-west-1' } })
  })

  it('uses dummy credentials with --local and an --endpoint', () => {
    expect(parseRedriveCommand(['--local', '--endpoint', 'http://10.0.0.5:9324', '--dlq', AWS_DLQ, '--to', AWS_QUEUE])).toMatchObject({
      local: true,
      sqs: { endpoint: 'http://10.0.0.5:9324', credentials: LOCAL_CREDENTIALS },
    })
  })

  it('reads --max and --dry-run', () => {
    expect(parseRedriveCommand(['--dlq', LOCAL_DLQ, '--to', LOCAL_QUEUE, '--max', '3', '--dry-run'])).toMatchObject({ max: 3, dryRun: true })
  })

  it.each([
    [['--dlq', LOCAL_DLQ, '--to', AWS_QUEUE], /same SQS/],
    [['--dlq', LOCAL_DLQ, '--to', LOCAL_QUEUE, '--max', '0'], /--max must be a positive integer, not 0/],
    [['--dlq', LOCAL_DLQ, '--to', LOCAL_QUEUE, '--max', 'all'], /--max must be a positive integer/],
    [['--local', '--dlq', AWS_DLQ, '--to', AWS_QUEUE], /--local needs/],
    [['--dql', LOCAL_DLQ], /--dql.*--help/],
  ])('refuses %j naming what is wrong', (argv, message) => {
    expect(() => parseRedriveCommand(argv)).toThrow(message)
  })

  it('answers --help, and a call without both queues, with every option', () => {
    expect(parseRedriveCommand(['--help'])).toEqual({ help: true, missing: false })
    expect(parseRedriveCommand(['--dlq', LOCAL_DLQ])).toEqual({ help: true, missing: true })
    for (const option of ['--dlq', '--to', '--max', '--dry-run', '--endpoint', '--region', '--local', '--help']) expect(REDRIVE_HELP).toContain(option)
  })
})
