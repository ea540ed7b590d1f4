import type { Command } from '@commander-js/extra-typings'
import { contextOf } from '../context.ts'
import type { CommandContext } from '../context.ts'
import { CliError, EXIT } from '../exit-codes.ts'
import { at, isRecord, list, route, text } from '../format.ts'
import type { CliIo } from '../io.ts'
import { idArgument, intIn } from '../options.ts'
import { Progress } from '../progress.ts'

const operationPath = (id: string) => `/chain/v1/operations/${encodeURIComponent(id)}`

/** This participant's hop of a chain: state, route, ids, peering, workloads, failure, timeline. */
export function operationSummary(hop: unknown): string {
  const lines = [`operation ${text(at(hop, 'operationId'))}  ${text(at(hop, 'state'))}  at ${text(at(hop, 'participant'))} (position ${text(at(hop, 'position'))})`]
  const field = (name: string, value: string) => value && lines.push(`  ${name.padEnd(12)}${value}`)
  field('route', route(at(hop, 'route')))
  field('flavour', `${text(at(hop, 'flavorID'))} of ${text(at(hop, 'providerID'))}`)
  field('transaction', text(at(hop, 'transactionID')))
  field('contract', text(at(hop, 'contractID')))
  field('allocation', text(at(hop, 'allocationID')))
  const peering = at(hop, 'peering')
  if (isRecord(peering)) field('peering', `${text(peering.status)} since ${text(peering.at)}${peering.detail ? `: ${text(peering.detail)}` : ''}`)
  const workloads = at(hop, 'workloads')
  if (isRecord(workloads))
    for (const [name, w] of Object.entries(workloads)) field('workload', `${name} ${text(at(w, 'phase'))} ${text(at(w, 'readyPods'))}/${text(at(w, 'totalPods'))} pods${at(w, 'node') ? ` on ${text(at(w, 'node'))}` : ''}`)
  field('deadline', text(at(hop, 'deadline')))
  const failure = at(hop, 'failure')
  if (failure) field('failure', isRecord(failure) ? `${text(failure.code)}: ${text(failure.reason ?? failure.message)}` : text(failure))
  const timeline = list(at(hop, 'timeline'))
  if (timeline.length) lines.push('  timeline', ...timeline.map(timelineLine))
  return lines.join('\n')
}

const timelineLine = (t: unknown) => `    ${text(at(t, 'at'))}  ${text(at(t, 'event'))}${at(t, 'detail') ? `  ${text(at(t, 'detail'))}` : ''}`

function failIfFailed(hop: unknown): void {
  if (at(hop, 'state') !== 'failed') return
  const failure = at(hop, 'failure')
  const why = isRecord(failure) ? `: ${text(failure.code)} ${text(failure.reason ?? failure.message)}`.trimEnd() : ''
  throw new CliError(`operation ${text(at(hop, 'operationId'))} failed${why}`, EXIT.failed)
}

/** Polls a released chain at the consumer until its hop is `released` (or `failed`), printing new timeline events once. */
async function waitReleased(ctx: CommandContext, id: string, first: unknown, options: { intervalMs: number; timeoutS: number }): Promise<unknown> {
  const progress = new Progress(ctx.io.stderr, { spinner: !ctx.json, quiet: false })
  const seen = new Set<string>()
  const started = ctx.io.now().getTime()
  let hop = first
  try {
    for (;;) {
      for (const t of list(at(hop, 'timeline'))) {
        const key = `${text(at(t, 'at'))}|${text(at(t, 'event'))}|${text(at(t, 'detail'))}`
        if (!seen.has(key)) {
          seen.add(key)
          progress.line(`[${text(at(hop, 'participant'))}] ${text(at(t, 'event'))}${at(t, 'detail') ? `: ${text(at(t, 'detail'))}` : ''}`)
        }
      }
      const state = at(hop, 'state')
      if (state === 'released' || state === 'failed') return hop
      if (ctx.io.now().getTime() - started > options.timeoutS * 1000) throw new CliError(`operation ${id} is still ${text(state)} after ${options.timeoutS} s`, EXIT.failed)
      progress.status(`operation ${id}: ${text(state)}`)
      await ctx.io.sleep(options.intervalMs)
      hop = (await ctx.client.get(operationPath(id))).body
    }
  } finally {
    progress.stop()
  }
}

/** `rear operation <id>` and `rear release <operation>`. */
export function operationCommands(program: Command, io: CliIo): void {
  program
    .command('operation')
    .description('a chain operation as this participant sees it (GET /chain/v1/operations/{id}): state, route, contract, allocation, peering, workloads, timeline')
    .argument('<id>', 'the operation id (chain-…)', idArgument)
    .addHelpText('after', '\nExit codes: 0 the operation is not failed; 1 it failed; 3 unknown operation (404).\n\nExamples:\n  $ rear operation chain-1a2b\n  $ rear --url http://127.0.0.1:30011 operation chain-1a2b   # the same chain at the provider supernode\n  $ rear operation chain-1a2b --json | jq .timeline')
    .action(async (id, _options, command) => {
      const ctx = contextOf(command, io)
      const hop = (await ctx.client.get(operationPath(id))).body
      if (ctx.json) ctx.printJson(hop)
      else ctx.out(operationSummary(hop))
      failIfFailed(hop)
    })

  program
    .command('release')
    .description('tear a chain down (POST /chain/v1/operations/{id}/release at the consumer node) and wait until it is released')
    .argument('<operation>', 'the operation id (chain-…)', idArgument)
    .option('--no-wait', 'print the 202 answer and return at once')
    .option('--interval <ms>', 'how often to poll the operation, in milliseconds', intIn(100, 60_000), 1000)
    .option('--timeout <seconds>', 'how long to wait for the release', intIn(1, 3600), 120)
    .addHelpText(
      'after',
      `
RELEASE walks the route: every hop ends released, the provider undoes the sale (its pool and flavour
grow back) and the consumer's VirtualNode allocation is released. Releasing again, or a chain already
over, changes nothing; a chain still reserving or purchasing answers 409.

Exit codes: 0 released; 1 the operation is failed, or still not released after --timeout;
3 refused (404 unknown operation, 409 still in flight); 4 unreachable or 5xx.

Examples:
  $ rear release chain-1a2b
  $ rear release chain-1a2b --no-wait --json`,
    )
    .action(async (id, options, command) => {
      const ctx = contextOf(command, io)
      const answer = (await ctx.client.post(`${operationPath(id)}/release`, '{}')).body
      const hop = options.wait ? await waitReleased(ctx, id, answer, { intervalMs: options.interval, timeoutS: options.timeout }) : answer
      if (ctx.json) ctx.printJson(hop)
      else ctx.out(options.wait ? `operation ${id} ${text(at(hop, 'state'))}` : `release of ${id} accepted (state ${text(at(hop, 'state'))}); follow it with: rear operation ${id}`)
      if (options.wait) failIfFailed(hop)
    })
}
