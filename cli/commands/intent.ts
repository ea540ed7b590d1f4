import { randomUUID } from 'node:crypto'
import { extname } from 'node:path'
import type { Command } from '@commander-js/extra-typings'
import { Option } from '@commander-js/extra-typings'
import { parse as parseYaml } from 'yaml'
import { DEV_WEBHOOK_SECRET, signWebhook } from '../../adapters/webhooks/standard-webhooks.ts'
import { contextOf } from '../context.ts'
import type { CommandContext } from '../context.ts'
import { CliError, EXIT } from '../exit-codes.ts'
import { at, isRecord, list, route, table, text } from '../format.ts'
import type { CliIo } from '../io.ts'
import { idArgument, intIn } from '../options.ts'
import { Progress } from '../progress.ts'

export const FINAL_PHASES = ['Solved', 'Failed', 'TimedOut'] as const

/** How long past an intent's own deadline `submit` keeps waiting for the participant to end it. */
export const DEADLINE_GRACE_MS = 60_000

/** Consecutive failed polls (unreachable or 5xx) that `submit` rides out before giving up with exit 4. */
export const POLL_RETRIES = 5

interface TimelineEntry {
  at?: string
  step?: number
  participant?: string
  message?: string
}

const isFinal = (phase: unknown) => (FINAL_PHASES as readonly unknown[]).includes(phase)

/** `[step 19] consumer-node: reservation started`: the one progress line per timeline entry. */
export const timelineLine = (entry: TimelineEntry): string =>
  `[step ${entry.step ?? '?'}] ${entry.participant ?? '?'}: ${entry.message ?? ''}`

/** Reads an intent from a JSON or YAML file (`-` is standard input); anything else is a usage error. */
async function readIntent(io: CliIo, file: string): Promise<Record<string, unknown>> {
  let source: string
  try {
    source = file === '-' ? await io.readStdin() : await io.readFile(file)
  } catch (error) {
    throw new CliError(`cannot read intent file ${file}: ${error instanceof Error ? error.message : String(error)}`, EXIT.usage)
  }
  let intent: unknown
  try {
    intent = extname(file).toLowerCase() === '.json' ? JSON.parse(source) : parseYaml(source)
  } catch (error) {
    throw new CliError(`${file} is neither JSON nor YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, EXIT.usage)
  }
  if (!isRecord(intent)) throw new CliError(`${file} must hold one intent object (need, action, …), not ${Array.isArray(intent) ? 'a list' : typeof intent}`, EXIT.usage)
  return intent
}

function sign(secret: string, id: string, now: Date, body: string) {
  try {
    return signWebhook(secret, id, now, body)
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), EXIT.usage)
  }
}

/** The human summary of an intent status: phase, choice and why, chain, workload, failure. */
export function intentSummary(status: unknown, withTimeline: boolean): string {
  const lines = [`intent ${text(at(status, 'id'))}  ${text(at(status, 'phase'))}  (action ${text(at(status, 'action'))})`]
  const field = (name: string, value: string) => value && lines.push(`  ${name.padEnd(11)}${value}`)
  field('created', text(at(status, 'createdAt')))
  field('deadline', text(at(status, 'deadline')))
  const choice = (name: string, c: unknown) => {
    if (!isRecord(c)) return
    field(name, `${text(c.providerId)}  flavour ${text(c.flavourId)}  score ${text(c.score)}  route ${route(c.route)}`)
    field('', text(c.why))
    for (const term of list(c.terms)) field('', `${text(at(term, 'name')).padEnd(12)} weight ${text(at(term, 'weight'))}  value ${text(at(term, 'value'))}  ${text(at(term, 'why'))}`)
  }
  choice('chosen', at(status, 'chosen'))
  choice('runner-up', at(status, 'runnerUp'))
  field('operation', text(at(status, 'operationId')))
  field('contract', text(at(status, 'contractId')))
  field('allocation', text(at(status, 'allocationId')))
  const workload = at(status, 'workload')
  if (isRecord(workload)) field('workload', `${text(workload.name)} ${text(workload.phase)} ${text(workload.readyPods)}/${text(workload.totalPods)} pods${workload.node ? ` on ${text(workload.node)}` : ''}`)
  for (const attempt of list(at(status, 'attempts')))
    field('attempt', `${text(at(attempt, 'operationId'))} ${text(at(attempt, 'providerId'))} ${text(at(attempt, 'outcome'))}${at(attempt, 'reason') ? `: ${text(at(attempt, 'reason'))}` : ''}`)
  const failure = at(status, 'failure')
  if (isRecord(failure)) field('failure', `step ${text(failure.step)} ${text(failure.code)}: ${text(failure.reason)}`)
  if (withTimeline) {
    const entries = list(at(status, 'timeline')) as TimelineEntry[]
    if (entries.length) lines.push('  timeline', ...entries.map((e) => `    ${text(e.at)}  ${timelineLine(e)}`))
  }
  return lines.join('\n')
}

/** Exit 1 with the failure named when the intent ended Failed or TimedOut. */
function failIfUnsolved(ctx: CommandContext, status: unknown): void {
  const phase = at(status, 'phase')
  if (phase !== 'Failed' && phase !== 'TimedOut') return
  const failure = at(status, 'failure')
  const why = isRecord(failure) ? ` at step ${text(failure.step)} (${text(failure.code)}): ${text(failure.reason)}` : ''
  throw new CliError(`intent ${text(at(status, 'id'))} ${text(phase)}${why}`, EXIT.failed)
}

const intentPath = (id: string) => `/intents/v1/${encodeURIComponent(id)}`

/** Polls the intent until its phase is final, printing each new timeline entry once. */
async function follow(
  ctx: CommandContext,
  id: string,
  options: { intervalMs: number; watch: boolean; quiet: boolean },
): Promise<unknown> {
  const progress = new Progress(ctx.io.stderr, { spinner: !ctx.json, quiet: options.quiet })
  const seen = new Set<string>()
  let failures = 0
  try {
    for (;;) {
      let status: unknown
      try {
        status = (await ctx.client.get(intentPath(id))).body
        failures = 0
      } catch (error) {
        if (error instanceof CliError && error.exitCode === EXIT.unavailable && ++failures < POLL_RETRIES) {
          progress.line(`rear: ${error.message}; trying again (${failures}/${POLL_RETRIES - 1})`)
          await ctx.io.sleep(options.intervalMs)
          continue
        }
        throw error
      }
      for (const entry of list(at(status, 'timeline')) as TimelineEntry[]) {
        const key = `${entry.at}|${entry.step}|${entry.participant}|${entry.message}`
        if (seen.has(key)) continue
        seen.add(key)
        if (ctx.json && options.watch) ctx.printJson({ at: entry.at, step: entry.step, participant: entry.participant, message: entry.message }, true)
        else progress.line(timelineLine(entry))
      }
      const phase = at(status, 'phase')
      if (isFinal(phase)) return status
      const deadline = Date.parse(text(at(status, 'deadline')))
      if (Number.isFinite(deadline) && ctx.io.now().getTime() > deadline + DEADLINE_GRACE_MS) {
        throw new CliError(`intent ${id} is still ${text(phase)} ${DEADLINE_GRACE_MS / 1000} s after its deadline ${text(at(status, 'deadline'))}`, EXIT.failed)
      }
      progress.status(`intent ${id}: ${text(phase)}`)
      await ctx.io.sleep(options.intervalMs)
    }
  } finally {
    progress.stop()
  }
}

const SUBMIT_HELP = `
The file is one intent, JSON (.json) or YAML (any other name; - reads standard input):
  need: { type: k8slice, architecture: amd64, cpu: "2", memory: 4Gi, pods: "10" }
  constraints: { maxPricePerHour: { amount: "0.10", currency: EUR }, countries: [Italy] }
  action: find | buy | peer | deploy      (deploy also needs workload: { name, manifests })
It is signed as a Standard Webhook (webhook-id, webhook-timestamp, webhook-signature =
v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">) with the whsec_ secret, POSTed to /intents/v1,
then followed on GET /intents/v1/{id}: each timeline entry is printed once on stderr as
"[step 19] consumer-node: …" until the intent is Solved, Failed or TimedOut.

Output: a summary on stdout; --json prints the final status as JSON; --json --watch prints one
NDJSON line per timeline entry ({"at","step","participant","message"}) and then the final status
(the line with "phase"). --no-wait prints the participant's 202 answer (the intent id) at once.

Exit codes: 0 Solved (or accepted, with --no-wait), 1 Failed or TimedOut (or still not over 60 s
after its deadline), 2 usage error or bad secret, 3 refused (4xx, e.g. 401 WEBHOOK_SIGNATURE_INVALID,
400 with the field named), 4 unreachable or 5xx (5 failed polls in a row while following).

Examples:
  $ rear intent submit intent.yaml
  $ rear intent submit intent.json --json --watch | jq -c 'select(.step)'
  $ INTENT_WEBHOOK_SECRET=whsec_… rear --url https://api.example/consumer intent submit intent.yaml --no-wait
  $ rear intent submit intent.yaml --webhook-id retry-7   # the same id again returns the same intent`

/** `rear intent submit|status|list`. */
export function intentCommands(program: Command, io: CliIo): void {
  const intent = program
    .command('intent')
    .description('submit intents and follow them (the consumer node\'s /intents/v1)')
    .addHelpText('after', '\nExamples:\n  $ rear intent submit intent.yaml\n  $ rear intent status intent-1a2b\n  $ rear intent list --limit 5 --json\n  $ rear intent rate intent-1a2b 5 --comment "fast peering"')

  intent
    .command('submit')
    .description('sign and submit an intent, then show each step live until it is Solved, Failed or TimedOut')
    .argument('<file>', 'the intent, JSON or YAML (- for standard input)')
    .addOption(new Option('--webhook-secret <secret>', 'the whsec_ secret the participant verifies with [env INTENT_WEBHOOK_SECRET; default the documented local development secret]'))
    .option('--webhook-id <id>', 'the delivery id (default msg_<uuid>); the same id again returns the same intent')
    .option('--no-wait', 'print the 202 answer and return without following the intent')
    .option('--watch', 'with --json: one NDJSON line per timeline entry on stdout, then the final status')
    .option('--interval <ms>', 'how often to poll the intent, in milliseconds', intIn(100, 60_000), 1000)
    .option('-q, --quiet', 'no progress lines on stderr')
    .addHelpText('after', SUBMIT_HELP)
    .action(async (file, options, command) => {
      const ctx = contextOf(command, io)
      const intentObject = await readIntent(io, file)
      const body = JSON.stringify(intentObject)
      const secret = options.webhookSecret ?? io.env.INTENT_WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET
      const webhookId = options.webhookId ?? `msg_${randomUUID()}`
      const answer = await ctx.client.post('/intents/v1', body, { ...sign(secret, webhookId, io.now(), body) })
      const location = answer.headers.get('location') ?? ''
      const id = text(at(answer.body, 'id')) || text(at(answer.body, 'intentId')) || decodeURIComponent(location.split('/').filter(Boolean).pop() ?? '')
      if (!id) throw new CliError(`POST /intents/v1 answered ${answer.status} without an intent id or Location`, EXIT.unavailable)
      if (!options.wait) {
        if (ctx.json) ctx.printJson(answer.body)
        else ctx.out(`intent ${id} accepted (webhook-id ${webhookId}); follow it with: rear intent status ${id}`)
        return
      }
      if (!options.quiet) ctx.note(`intent ${id} accepted (webhook-id ${webhookId}), following ${ctx.client.url(intentPath(id)).href}`)
      const status = await follow(ctx, id, { intervalMs: options.interval, watch: options.watch === true, quiet: options.quiet === true })
      if (ctx.json) ctx.printJson(status, options.watch === true)
      else ctx.out(intentSummary(status, false))
      failIfUnsolved(ctx, status)
    })

  intent
    .command('status')
    .description('an intent\'s phase, chosen candidate and why, chain operation, contract, allocation, workload and timeline')
    .argument('<id>', 'the intent id', idArgument)
    .addHelpText('after', '\nExit codes: 0 Pending, Running or Solved; 1 Failed or TimedOut; 3 unknown intent (404); 4 unreachable.\n\nExamples:\n  $ rear intent status intent-1a2b\n  $ rear intent status intent-1a2b --json | jq .chosen.terms')
    .action(async (id, _options, command) => {
      const ctx = contextOf(command, io)
      const status = (await ctx.client.get(intentPath(id))).body
      if (ctx.json) ctx.printJson(status)
      else ctx.out(intentSummary(status, true))
      failIfUnsolved(ctx, status)
    })

  intent
    .command('rate')
    .description('rate what an intent bought, 1 to 5 with a comment (POST /intents/v1/{id}/rating); it feeds the provider\'s score')
    .argument('<id>', 'the intent id', idArgument)
    .argument('<score>', '1 (worst) to 5 (best)', intIn(1, 5))
    .option('--comment <text>', 'what went well or not (at most 1000 characters)')
    .addHelpText('after', '\nOnly an intent that bought something can be rated (409 INTENT_NOT_BOUGHT otherwise); a second rating replaces the first.\n\nExamples:\n  $ rear intent rate intent-1a2b 5 --comment "peered in 20 s"\n  $ rear intent rate intent-1a2b 2 --json')
    .action(async (id, score, options, command) => {
      const ctx = contextOf(command, io)
      if (options.comment !== undefined && options.comment.length > 1000) throw new CliError('--comment is longer than 1000 characters', EXIT.usage)
      const body = JSON.stringify({ score, ...(options.comment !== undefined ? { comment: options.comment } : {}) })
      const answer = (await ctx.client.post(`${intentPath(id)}/rating`, body)).body
      if (ctx.json) ctx.printJson(answer)
      else ctx.out(`intent ${id} rated ${score}${at(answer, 'providerId') ? ` (provider ${text(at(answer, 'providerId'))})` : ''}`)
    })

  intent
    .command('list')
    .description('the participant\'s intents, newest first, one page at a time')
    .option('--limit <n>', 'intents per page (1-100)', intIn(1, 100), 20)
    .option('--cursor <cursor>', 'the next page, as the previous page\'s "next"')
    .addHelpText('after', '\nExamples:\n  $ rear intent list\n  $ rear intent list --limit 5 --cursor <next> --json')
    .action(async (options, command) => {
      const ctx = contextOf(command, io)
      const page = (await ctx.client.get('/intents/v1', { limit: options.limit, cursor: options.cursor })).body
      if (ctx.json) return ctx.printJson(page)
      const intents = list(at(page, 'intents'))
      ctx.out(
        table(
          ['INTENT', 'PHASE', 'ACTION', 'CREATED', 'PROVIDER', 'OPERATION', 'CONTRACT'],
          intents.map((i) => [text(at(i, 'id')), text(at(i, 'phase')), text(at(i, 'action')), text(at(i, 'createdAt')), text(at(i, 'chosen', 'providerId')), text(at(i, 'operationId')), text(at(i, 'contractId'))]),
        ),
      )
      const next = at(page, 'next')
      if (next) ctx.note(`more: rear intent list --limit ${options.limit} --cursor ${text(next)}`)
    })
}
