import { describe, expect, it } from 'vitest'
import type { CliIo } from '../../../cli/io.ts'
import { runCli } from '../../../cli/program.ts'
import { createIntentNetwork, TEST_WEBHOOK_SECRET } from '../../support/in-memory-intents.ts'

const BUY = `need: { type: k8slice, architecture: amd64, cpu: "2", memory: 4Gi, pods: "10" }
action: buy
`

describe('rear intent submit against the consumer node\'s intent API and orchestrator', () => {
  it('is accepted, and follows the intent step by step until Solved, each step printed once', async () => {
    const { rear, net } = await setup()

    const run = await rear(['intent', 'submit', 'buy.yaml', '--webhook-secret', TEST_WEBHOOK_SECRET])

    expect(run.code, run.stderr).toBe(0)
    const printed = run.stderr.split('\n').filter((l) => l.startsWith('[step'))
    const intent = await net.intent(JSON.parse(run.json).id as string)
    expect(intent.phase).toBe('Solved')
    expect(printed).toEqual(intent.timeline.map((t) => `[step ${t.step}] ${t.participant}: ${t.message}`))
    expect(printed.length).toBeGreaterThan(3)
    expect(run.polls).toBeGreaterThan(2)
  })

  it('exits 3 naming the signature problem when signed with another secret, creating nothing', async () => {
    const { rear, net } = await setup()

    const run = await rear(['intent', 'submit', 'buy.yaml'])

    expect(run.code).toBe(3)
    expect(run.stderr).toContain('401 WEBHOOK_SIGNATURE_INVALID')
    expect((await net.intents.list(10)).intents).toHaveLength(0)
  })

  async function setup() {
    const net = await createIntentNetwork()
    const rear = async (argv: string[]) => {
      let stdout = ''
      let stderr = ''
      let polls = 0
      const io: CliIo = {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: {},
        fetch: async (input, init) => {
          const url = new URL(String(input))
          if (init?.method === 'GET') polls++
          const answer = await net.request(init?.method ?? 'GET', `${url.pathname}${url.search}`, init?.body ?? undefined, init?.headers as Record<string, string>)
          return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: answer.headers })
        },
        readFile: async () => BUY,
        readStdin: async () => BUY,
        sleep: async () => void (await net.run({ limit: 2 })),
        now: () => net.clock.now(),
      }
      const code = await runCli([...argv, '--json', '--interval', '1000'], io)
      return { code, stderr, json: stdout, polls }
    }
    return { rear, net }
  }
})
