import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { BUNDLE_OPTIONS } from '../../scripts/bundle-options.ts'
import type { Recorded } from './recording-sst.ts'
import { installFakeSst } from './recording-sst.ts'

const root = resolve(import.meta.dirname, '../..')

/** SST link names a handler's code reads, following its relative imports. */
function linksUsedBy(handler: string): Set<string> {
  const [file] = handler.split('.handler')
  const seen = new Set<string>()
  const used = new Set<string>()
  const visit = (path: string) => {
    if (seen.has(path)) return
    seen.add(path)
    const source = readFileSync(path, 'utf8')
    for (const match of source.matchAll(/Resource\.(\w+)/g)) used.add(match[1]!)
    for (const match of source.matchAll(/from '(\.\.?\/[^']+)'/g)) visit(resolve(dirname(path), match[1]!))
  }
  visit(resolve(root, `${file}.ts`))
  return used
}

const seconds = (duration: string) => {
  const [, amount, unit] = /^(\d+) (second|minute)s?$/.exec(duration) ?? []
  if (!amount) throw new Error(`unreadable duration ${duration}`)
  return Number(amount) * (unit === 'minute' ? 60 : 1)
}

const linkNames = (args: Record<string, unknown>) => new Set(((args.link as { name: string }[]) ?? []).map((l) => l.name))

function functionsOf(recorded: Recorded[]) {
  const direct = recorded.filter((r) => r.kind === 'Function').map((r) => r.args)
  const crons = recorded.filter((r) => r.kind === 'Cron').map((r) => r.args.function as Record<string, unknown>)
  const subscribers = recorded.filter((r) => r.kind === 'Queue').flatMap((r) => r.component.subscribers.map((s) => s.handler as Record<string, unknown>))
  return [...direct, ...crons, ...subscribers]
}

describe('infrastructure resource graph', () => {
  it('links every function to exactly the tables, queues and secrets its code reads', async () => {
    const { recorded } = await setup('dev')
    const functions = functionsOf(recorded)
    expect(functions.map((f) => f.handler).sort()).toEqual([
      'functions/cron/expiry-sweeper.handler',
      'functions/cron/flavour-publisher.handler',
      'functions/cron/index-compactor.handler',
      'functions/lambda/participant-api.handler',
      'functions/queues/chain-worker.handler',
    ])
    for (const fn of functions) {
      expect({ handler: fn.handler, links: [...linkNames(fn)].sort() }).toEqual({
        handler: fn.handler,
        links: [...linksUsedBy(fn.handler as string)].sort(),
      })
    }
  })

  it('gives the agent token to the API function alone', async () => {
    const { recorded } = await setup('dev')
    const holders = functionsOf(recorded).filter((fn) => linkNames(fn).has('AgentToken')).map((fn) => fn.handler)
    expect(holders).toEqual(['functions/lambda/participant-api.handler'])
  })

  it('deploys the participant its stage is registered as in stages.json', async () => {
    const supernode = await setup('provider-supernode')
    const environments = functionsOf(supernode.recorded).map((f) => f.environment as Record<string, unknown>)
    expect(new Set(environments.map((e) => `${e.REAR_ROLE} ${e.PARTICIPANT_ID} ${e.PARTICIPANT_DOMAIN}`))).toEqual(new Set(['supernode provider-supernode provider.example']))
    expect(supernode.recorded.map((r) => r.name)).not.toContain('FlavourPublisher')

    expect(supernode.recorded.map((r) => r.name)).toContain('IndexCompactor')

    const node = await setup('provider-node')
    expect(node.recorded.map((r) => r.name)).toEqual(expect.arrayContaining(['FlavourPublisher', 'IndexCompactor', 'IndexSnapshots']))
    expect(functionsOf(node.recorded).every((f) => (f.environment as Record<string, unknown>).REAR_ROLE === 'node')).toBe(true)
  })

  it('gives every work queue a dead-letter queue, and every subscriber partial batch responses', async () => {
    const { recorded } = await setup('dev')
    const queues = recorded.filter((r) => r.kind === 'Queue')
    expect(queues.filter((q) => !q.args.dlq).map((q) => q.name).sort()).toEqual(['AgentDeadLetters', 'ChainDeadLetters'])
    expect(recorded.filter((r) => r.kind === 'Queue' && r.component.subscribers.length > 0).map((r) => r.name)).toEqual(['ChainQueue'])
    for (const queue of recorded.filter((r) => r.kind === 'Queue')) {
      for (const subscriber of queue.component.subscribers) {
        expect(queue.args.dlq, `${queue.name} has a DLQ`).toBeDefined()
        expect((subscriber.args.batch as { partialResponses?: boolean })?.partialResponses, `${queue.name} reports partial failures`).toBe(true)
        const handler = subscriber.handler as { timeout: string }
        expect(seconds(queue.args.visibilityTimeout as string), `${queue.name} hides a message for longer than its subscriber may run`).toBeGreaterThanOrEqual(seconds(handler.timeout))
      }
    }
  })

  it('retains and protects data in production only', async () => {
    const production = await setup('production')
    expect(production.app).toMatchObject({ removal: 'retain', protect: true })
    expect(production.recorded.find((r) => r.kind === 'Dynamo')?.args.deletionProtection).toBe(true)
    const dev = await setup('dev')
    expect(dev.app).toMatchObject({ removal: 'remove', protect: false })
    expect(dev.recorded.find((r) => r.kind === 'Dynamo')?.args.deletionProtection).toBe(false)
  })

  it('keeps point-in-time recovery and the TTL cleanup attribute on the table', async () => {
    const { recorded } = await setup('dev')
    const table = recorded.find((r) => r.kind === 'Dynamo')!
    expect(table.args.ttl).toBe('expireAt')
    const args: Record<string, unknown> = {}
    ;(table.args.transform as { table: (a: Record<string, unknown>) => void }).table(args)
    expect(args.pointInTimeRecovery).toEqual({ enabled: true })
  })

  it('bundles every function as `npm run build` measures it, for the Lambda Node 22 runtime', async () => {
    const { recorded } = await setup('dev')
    for (const fn of functionsOf(recorded)) {
      expect({ handler: fn.handler, runtime: fn.runtime, nodejs: fn.nodejs }).toEqual({
        handler: fn.handler,
        runtime: 'nodejs22.x',
        nodejs: { format: BUNDLE_OPTIONS.format, minify: BUNDLE_OPTIONS.minify, splitting: BUNDLE_OPTIONS.splitting, esbuild: { mainFields: BUNDLE_OPTIONS.mainFields } },
      })
    }
  })

  it('routes every API request to the participant function', async () => {
    const { recorded } = await setup('dev')
    const api = recorded.find((r) => r.kind === 'ApiGatewayV2')!
    expect(api.component.routes.map((r) => r.route)).toEqual(['$default'])
  })

  async function setup(stage: string) {
    vi.resetModules()
    const recorded = installFakeSst(stage)
    const config = (await import('../../sst.config.ts')).default as unknown as {
      app: (input: { stage: string }) => Promise<{ removal: string; protect: boolean }>
      run: () => Promise<unknown>
    }
    await config.run()
    return { recorded, app: await config.app({ stage }) }
  }
})
