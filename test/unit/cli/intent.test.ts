import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEV_WEBHOOK_SECRET, StandardWebhookVerifier } from '../../../adapters/webhooks/standard-webhooks.ts'
import type { FakeAnswer } from './fake-participant.ts'
import { FakeParticipant, runRear } from './fake-participant.ts'

const NOW = new Date('2026-11-23T14:00:00.000Z')

const INTENT = { need: { type: 'k8slice', architecture: 'amd64', cpu: '2', memory: '4Gi', pods: '10' }, action: 'buy' }

const INTENT_YAML = `need:
  type: k8slice
  architecture: amd64
  cpu: "2"
  memory: 4Gi
  pods: "10"
action: buy
`

const entry = (step: number, participant: string, message: string) => ({ at: `2026-11-23T14:00:${String(step).padStart(2, '0')}.000Z`, step, participant, message })

const STEPS = [
  entry(1, 'consumer-node', 'intent received from the platform'),
  entry(7, 'consumer-node', 'discovery started'),
  entry(16, 'consumer-node', '3 candidates stored'),
  entry(19, 'consumer-node', 'reservation started'),
  entry(29, 'consumer-node', 'purchased'),
]

const status = (phase: string, steps: number, extra: Record<string, unknown> = {}) => ({
  id: 'intent-1',
  phase,
  action: 'buy',
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  deadline: new Date(NOW.getTime() + 600_000).toISOString(),
  chosen: phase === 'Pending' ? null : { providerId: 'provider-node', flavourId: 'provider.local-k8slice-1', route: ['consumer-supernode', 'provider-supernode', 'provider-node'], score: 0.83, terms: [{ name: 'price', weight: 0.3, value: 0.9, why: '0.04 EUR/h, cheapest of 3' }], why: 'best score 0.83' },
  runnerUp: null,
  attempts: [],
  operationId: steps >= 4 ? 'chain-1' : null,
  contractId: steps >= 5 ? 'contract-1' : null,
  allocationId: steps >= 5 ? 'allocation-1' : null,
  workload: null,
  failure: null,
  timeline: STEPS.slice(0, steps),
  ...extra,
})

const accepted: FakeAnswer = { status: 202, body: { id: 'intent-1', phase: 'Pending' }, headers: { Location: '/intents/v1/intent-1' } }

const keyOf = (secret: string) => Buffer.from(secret.slice('whsec_'.length), 'base64')

describe('rear intent submit', () => {
  it('signs the intent as a Standard Webhook with the development secret by default', async () => {
    const { participant, submit } = setup()

    const run = await submit(['intent', 'submit', 'intent.json', '--no-wait'])

    expect(run.code).toBe(0)
    const post = participant.requests[0]!
    expect(post.method).toBe('POST')
    expect(JSON.parse(post.body)).toEqual(INTENT)
    const id = post.headers.get('webhook-id')!
    const timestamp = post.headers.get('webhook-timestamp')!
    expect(id).toMatch(/^msg_[0-9a-f-]{36}$/)
    expect(timestamp).toBe(String(NOW.getTime() / 1000))
    const expected = createHmac('sha256', keyOf(DEV_WEBHOOK_SECRET)).update(`${id}.${timestamp}.${post.body}`).digest('base64')
    expect(post.headers.get('webhook-signature')).toBe(`v1,${expected}`)
    expect(post.headers.get('content-type')).toBe('application/json')
  })

  it('signs what the participant\'s verifier accepts', async () => {
    const { participant, submit } = setup()

    await submit(['intent', 'submit', 'intent.yaml', '--no-wait'])

    const post = participant.requests[0]!
    const verified = new StandardWebhookVerifier(DEV_WEBHOOK_SECRET, { now: () => NOW, sleep: async () => undefined }).verify(post.body, {
      id: post.headers.get('webhook-id')!,
      timestamp: post.headers.get('webhook-timestamp')!,
      signature: post.headers.get('webhook-signature')!,
    })
    expect(verified).toEqual({ webhookId: post.headers.get('webhook-id'), timestamp: NOW })
  })

  it('signs with --webhook-secret over INTENT_WEBHOOK_SECRET, and with the given --webhook-id', async () => {
    const { participant, submit } = setup()
    const fromEnv = `whsec_${Buffer.alloc(32, 1).toString('base64')}`
    const fromFlag = `whsec_${Buffer.alloc(32, 2).toString('base64')}`

    await submit(['intent', 'submit', 'intent.json', '--no-wait'], { INTENT_WEBHOOK_SECRET: fromEnv })
    await submit(['intent', 'submit', 'intent.json', '--no-wait', '--webhook-secret', fromFlag, '--webhook-id', 'retry-7'], { INTENT_WEBHOOK_SECRET: fromEnv })

    const signature = (secret: string, i: number) => {
      const r = participant.requests[i]!
      return `v1,${createHmac('sha256', keyOf(secret)).update(`${r.headers.get('webhook-id')}.${r.headers.get('webhook-timestamp')}.${r.body}`).digest('base64')}`
    }
    expect(participant.requests[0]!.headers.get('webhook-signature')).toBe(signature(fromEnv, 0))
    expect(participant.requests[1]!.headers.get('webhook-signature')).toBe(signature(fromFlag, 1))
    expect(participant.requests[1]!.headers.get('webhook-id')).toBe('retry-7')
  })

  it('reads YAML, and standard input with -', async () => {
    const { participant, submit } = setup()

    await submit(['intent', 'submit', 'intent.yaml', '--no-wait'])
    await submit(['intent', 'submit', '-', '--no-wait'])

    expect(participant.requests.map((r) => JSON.parse(r.body))).toEqual([INTENT, INTENT])
  })

  it('exits 2 without sending anything for a missing file, a file that is not an intent, or a malformed secret', async () => {
    const { participant, submit } = setup()

    const runs = [
      await submit(['intent', 'submit', 'missing.yaml']),
      await submit(['intent', 'submit', 'broken.json']),
      await submit(['intent', 'submit', 'list.yaml']),
      await submit(['intent', 'submit', 'intent.json', '--webhook-secret', 'not-a-secret']),
    ]

    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2])
    expect(runs[0]!.stderr).toContain('cannot read intent file missing.yaml')
    expect(runs[1]!.stderr).toContain('broken.json is neither JSON nor YAML')
    expect(runs[2]!.stderr).toContain('must hold one intent object')
    expect(runs[3]!.stderr).toContain('whsec_')
    expect(runs[3]!.stderr).not.toContain('not-a-secret')
    expect(participant.requests).toHaveLength(0)
  })

  it('exits 3 when the participant refuses the delivery, printing its code and message', async () => {
    const { participant, submit } = setup()
    participant.on('POST', '/intents/v1', { status: 401, body: { code: 'WEBHOOK_SIGNATURE_INVALID', message: 'No signature in webhook-signature matches' } })

    const run = await submit(['intent', 'submit', 'intent.json'])

    expect(run.code).toBe(3)
    expect(run.stderr).toContain('401 WEBHOOK_SIGNATURE_INVALID: No signature in webhook-signature matches')
  })

  it('with --no-wait prints the id and does not follow', async () => {
    const { participant, submit } = setup()

    const text = await submit(['intent', 'submit', 'intent.json', '--no-wait'])
    const json = await submit(['--json', 'intent', 'submit', 'intent.json', '--no-wait'])

    expect(text.stdout).toContain('intent intent-1 accepted')
    expect(JSON.parse(json.stdout)).toEqual({ id: 'intent-1', phase: 'Pending' })
    expect(participant.requests.every((r) => r.method === 'POST')).toBe(true)
  })

  it('takes the intent id from Location when the answer names none', async () => {
    const { participant, submit } = setup()
    participant.on('POST', '/intents/v1', { status: 202, body: { accepted: true }, headers: { Location: '/intents/v1/intent-9' } })

    const run = await submit(['intent', 'submit', 'intent.json', '--no-wait'])

    expect(run.stdout).toContain('intent intent-9 accepted')
  })

  it('shows each timeline step live on stderr exactly once, in order, until Solved, and exits 0', async () => {
    const { participant, submit } = setup()
    participant.sequence('GET', '/intents/v1/intent-1', [
      { body: status('Pending', 1) },
      { body: status('Running', 3) },
      { body: status('Running', 3) },
      { body: status('Running', 4) },
      { body: status('Solved', 5) },
    ])

    const run = await submit(['intent', 'submit', 'intent.json'])

    expect(run.code).toBe(0)
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('[step'))
    expect(lines).toEqual([
      '[step 1] consumer-node: intent received from the platform',
      '[step 7] consumer-node: discovery started',
      '[step 16] consumer-node: 3 candidates stored',
      '[step 19] consumer-node: reservation started',
      '[step 29] consumer-node: purchased',
    ])
    expect(run.stdout).toContain('intent intent-1  Solved')
    expect(run.stdout).toContain('provider-node')
    expect(run.stdout).toContain('contract-1')
    expect(run.stdout).not.toContain('[step')
    expect(participant.requests.filter((r) => r.method === 'GET')).toHaveLength(5)
  })

  it('with --json prints the final status as JSON on stdout, progress staying on stderr', async () => {
    const { participant, submit } = setup()
    participant.sequence('GET', '/intents/v1/intent-1', [{ body: status('Running', 2) }, { body: status('Solved', 5) }])

    const run = await submit(['intent', 'submit', 'intent.json', '--json'])

    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual(status('Solved', 5))
    expect(run.stderr).toContain('[step 29] consumer-node: purchased')
  })

  it('with --json --watch prints one NDJSON line per timeline entry, then the final status', async () => {
    const { participant, submit } = setup()
    participant.sequence('GET', '/intents/v1/intent-1', [{ body: status('Running', 2) }, { body: status('Running', 2) }, { body: status('Solved', 5) }])

    const run = await submit(['--json', 'intent', 'submit', 'intent.json', '--watch'])

    const lines = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.slice(0, -1)).toEqual(STEPS)
    expect(lines.at(-1)).toMatchObject({ id: 'intent-1', phase: 'Solved' })
    expect(run.stderr).not.toContain('[step')
  })

  it('draws no spinner with --json, even on a terminal', async () => {
    const { participant, files } = setup()
    participant.sequence('GET', '/intents/v1/intent-1', [{ body: status('Running', 2) }, { body: status('Solved', 5) }])

    const run = await runRear(['--json', 'intent', 'submit', 'intent.json'], participant, { files, now: () => NOW, stderrIsTTY: true })

    expect(run.code).toBe(0)
    expect(run.stderr).not.toContain('\u001b[')
    expect(run.stderr.split('\n').filter((l) => l.startsWith('[step'))).toHaveLength(5)
  })

  it.each(['Failed', 'TimedOut'])('exits 1 when the intent ends %s, naming the failing step', async (phase) => {
    const { participant, submit } = setup()
    participant.on('GET', '/intents/v1/intent-1', { body: status(phase, 4, { failure: { step: 19, code: 'NO_CANDIDATE', reason: 'every candidate failed' } }) })

    const run = await submit(['intent', 'submit', 'intent.json'])

    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`rear: intent intent-1 ${phase} at step 19 (NO_CANDIDATE): every candidate failed`)
    expect(run.stdout).toContain('failure    step 19 NO_CANDIDATE: every candidate failed')
  })

  it('rides out a few unreachable polls, and exits 4 when they go on', async () => {
    const { participant, submit } = setup()
    const down: FakeAnswer = { status: 502, body: { code: 'BAD_GATEWAY', message: 'down' } }
    participant.sequence('GET', '/intents/v1/intent-1', [down, down, { body: status('Solved', 5) }])
    const recovered = await submit(['intent', 'submit', 'intent.json'])
    participant.on('GET', '/intents/v1/intent-1', down)

    const gone = await submit(['intent', 'submit', 'intent.json'])

    expect(recovered.code).toBe(0)
    expect(gone.code).toBe(4)
    expect(gone.stderr).toContain('502 BAD_GATEWAY: down')
  })

  it('exits 1 when the intent is still not over a minute past its deadline', async () => {
    const { participant, files } = setup()
    participant.on('GET', '/intents/v1/intent-1', { body: status('Running', 3) })

    const run = await runRear(['intent', 'submit', 'intent.json'], participant, { files, now: () => new Date(NOW.getTime() + 661_000) })

    expect(run.code).toBe(1)
    expect(run.stderr).toContain('is still Running 60 s after its deadline')
  })

  function setup() {
    const participant = new FakeParticipant().on('POST', '/intents/v1', accepted)
    const files = { 'intent.json': JSON.stringify(INTENT, null, 2), 'intent.yaml': INTENT_YAML, 'broken.json': '{"need": ', 'list.yaml': '- a\n- b\n' }
    const submit = (argv: string[], env: Record<string, string> = {}) => runRear(argv, participant, { files, env, stdin: INTENT_YAML, now: () => NOW })
    return { participant, files, submit }
  }
})

describe('rear intent status and list', () => {
  it('shows the phase, the choice and why, the chain and the timeline', async () => {
    const { participant } = setup()
    participant.on('GET', '/intents/v1/intent-1', { body: status('Solved', 5) })

    const run = await runRear(['intent', 'status', 'intent-1'], participant)

    expect(run.code).toBe(0)
    expect(run.stdout).toContain('intent intent-1  Solved  (action buy)')
    expect(run.stdout).toContain('best score 0.83')
    expect(run.stdout).toContain('0.04 EUR/h, cheapest of 3')
    expect(run.stdout).toContain('route consumer-supernode → provider-supernode → provider-node')
    expect(run.stdout).toContain('[step 19] consumer-node: reservation started')
  })

  it('gives the status as JSON, and exits 1 for a failed intent and 3 for an unknown one', async () => {
    const { participant } = setup()
    participant.on('GET', '/intents/v1/intent-1', { body: status('Failed', 2) })

    const failed = await runRear(['intent', 'status', 'intent-1', '--json'], participant)
    const unknown = await runRear(['intent', 'status', 'intent-2'], participant)

    expect(failed.code).toBe(1)
    expect(JSON.parse(failed.stdout)).toEqual(status('Failed', 2))
    expect(unknown.code).toBe(3)
    expect(unknown.stderr).toContain('404')
  })

  it('lists a page of intents with --limit and --cursor, pointing to the next page', async () => {
    const { participant } = setup()
    participant.on('GET', '/intents/v1', { body: { intents: [status('Solved', 5), { ...status('Running', 2), id: 'intent-0' }], next: 'c2' } })

    const text = await runRear(['intent', 'list', '--limit', '2', '--cursor', 'c1'], participant)
    const json = await runRear(['intent', 'list', '--json'], participant)

    expect(participant.requests[0]!.url.search).toBe('?limit=2&cursor=c1')
    expect(participant.requests[1]!.url.search).toBe('?limit=20')
    expect(text.stdout.split('\n')[0]).toMatch(/^INTENT\s+PHASE\s+ACTION/)
    expect(text.stdout).toMatch(/intent-1\s+Solved\s+buy/)
    expect(text.stderr).toContain('--cursor c2')
    expect(JSON.parse(json.stdout)).toMatchObject({ intents: [{ id: 'intent-1' }, { id: 'intent-0' }], next: 'c2' })
  })

  it('rates an intent with a score and a comment', async () => {
    const { participant } = setup()
    participant.on('POST', '/intents/v1/intent-1/rating', { status: 201, body: { intentId: 'intent-1', providerId: 'provider-node', score: 4, comment: 'quick', at: NOW.toISOString() } })

    const run = await runRear(['intent', 'rate', 'intent-1', '4', '--comment', 'quick'], participant)
    const bad = await runRear(['intent', 'rate', 'intent-1', '6'], participant)

    expect(run).toMatchObject({ code: 0, stdout: 'intent intent-1 rated 4 (provider provider-node)\n' })
    expect(JSON.parse(participant.requests[0]!.body)).toEqual({ score: 4, comment: 'quick' })
    expect(bad.code).toBe(2)
    expect(participant.requests).toHaveLength(1)
  })

  function setup() {
    return { participant: new FakeParticipant() }
  }
})
