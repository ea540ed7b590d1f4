import type { Command } from '@commander-js/extra-typings'
import { Option } from '@commander-js/extra-typings'
import { contextOf } from '../context.ts'
import { at, country, flavourSummary, list, price, route, table, text } from '../format.ts'
import type { CliIo } from '../io.ts'
import { FLAVOUR_TYPES, intIn, selectorFilter } from '../options.ts'

const flavourRows = (flavours: unknown[]) =>
  flavours.map((f) => [text(at(f, 'flavorID')), text(at(f, 'type', 'name')), text(at(f, 'owner', 'ID')) || text(at(f, 'providerID')), flavourSummary(f), price(f), country(f)])

const FLAVOUR_HEADER = ['FLAVOUR', 'TYPE', 'PROVIDER', 'OFFERS', 'PRICE', 'COUNTRY']

const FILTER_HELP = `--filter is the selector grammar written short, one per option:
  key=value   filter[key][match]=value        (architecture, cpu, memory, pods, storage, gpu, gpuModel, category, tags)
  key>=value  filter[key][range][min]=value
  key<=value  filter[key][range][max]=value`

/** `rear flavours`, `rear discover`, `rear candidates`, `rear providers`: what a participant offers and knows. */
export function listingCommands(program: Command, io: CliIo): void {
  program
    .command('flavours')
    .alias('flavors')
    .description('the flavours this participant lists (LIST_FLAVORS, GET /api/v2/flavors): a node\'s own, a supernode\'s or catalog\'s relayed')
    .addOption(new Option('--type <type>', 'only this flavour type, through the selector route /api/v2/flavors/{type}').choices(FLAVOUR_TYPES))
    .option('--filter <selector>', 'a selector filter (repeatable, implies --type k8slice unless given)', selectorFilter)
    .addHelpText('after', `\n${FILTER_HELP}\n\nExamples:\n  $ rear flavours\n  $ rear --url http://127.0.0.1:30001 flavours --type k8slice --filter architecture=amd64 --filter 'cpu>=2'\n  $ rear flavours --json | jq '.[].flavorID'`)
    .action(async (options, command) => {
      const ctx = contextOf(command, io)
      const type = options.type ?? (options.filter ? 'k8slice' : undefined)
      const answer = await ctx.client.get(type ? `/api/v2/flavors/${type}` : '/api/v2/flavors', options.filter)
      const flavours = answer.status === 204 ? [] : list(answer.body)
      if (ctx.json) return ctx.printJson(flavours)
      ctx.out(table(FLAVOUR_HEADER, flavourRows(flavours)))
      if (flavours.length === 0) ctx.note('no flavours')
    })

  program
    .command('discover')
    .description('the consumer node\'s discovery across the federation (GET /discovery/v1/flavors/{type}): candidates with their routes')
    .addOption(new Option('--type <type>', 'the flavour type').choices(FLAVOUR_TYPES).default('k8slice'))
    .option('--filter <selector>', 'a selector filter (repeatable)', selectorFilter)
    .option('--fresh', 'ask the peers again even if an answer was learnt moments ago')
    .addHelpText('after', `\n${FILTER_HELP}\n\nEach answer is kept as a Peering Candidate (see rear candidates).\n\nExamples:\n  $ rear discover --filter architecture=amd64 --filter 'cpu>=2' --filter 'memory>=4Gi'\n  $ rear discover --type service --filter category=database --fresh --json`)
    .action(async (options, command) => {
      const ctx = contextOf(command, io)
      const query: [string, string][] = [...(options.filter ?? []), ...(options.fresh ? ([['fresh', 'true']] as [string, string][]) : [])]
      const answer = (await ctx.client.get(`/discovery/v1/flavors/${options.type}`, query)).body
      if (ctx.json) return ctx.printJson(answer)
      const candidates = list(at(answer, 'candidates'))
      ctx.out(
        table(
          ['FLAVOUR', 'PROVIDER', 'OFFERS', 'PRICE', 'COUNTRY', 'ROUTE'],
          candidates.map((c) => [text(at(c, 'flavor', 'flavorID')), text(at(c, 'providerID')), flavourSummary(at(c, 'flavor')), price(at(c, 'flavor')), country(at(c, 'flavor')), route(at(c, 'route'))]),
        ),
      )
      for (const peer of list(at(answer, 'failedPeers'))) ctx.note(`peer failed: ${text(peer)}`)
    })

  program
    .command('candidates')
    .description('the Peering Candidates this participant learnt from discovery (GET /admin/v1/candidates), with routes and ages')
    .addOption(new Option('--type <type>', 'only this flavour type').choices(FLAVOUR_TYPES))
    .option('--limit <n>', 'entries per page (1-500)', intIn(1, 500), 100)
    .option('--cursor <cursor>', 'the next page, as the previous page\'s "next"')
    .addHelpText('after', '\nAn operator route: give --admin-token when the participant has ADMIN_TOKEN set.\n\nExamples:\n  $ rear candidates\n  $ rear candidates --type k8slice --limit 10 --json')
    .action(async (options, command) => {
      const ctx = contextOf(command, io)
      const page = (await ctx.client.get('/admin/v1/candidates', { type: options.type, limit: options.limit, cursor: options.cursor })).body
      if (ctx.json) return ctx.printJson(page)
      ctx.out(
        table(
          ['FLAVOUR', 'TYPE', 'PROVIDER', 'OFFERS', 'AGE', 'STALE', 'ROUTE'],
          list(at(page, 'entries')).map((e) => [text(at(e, 'flavorID')), text(at(e, 'type')), text(at(e, 'providerID')), flavourSummary(at(e, 'flavor')), `${text(at(e, 'ageSeconds'))}s`, at(e, 'stale') ? 'stale' : '', route(at(e, 'route'))]),
        ),
      )
      const next = at(page, 'next')
      if (next) ctx.note(`more: rear candidates --limit ${options.limit} --cursor ${text(next)}`)
    })

  program
    .command('providers')
    .description('Ratings & Metrics per provider (GET /providers/v1): chains, success rate, answer and peering times, ratings')
    .addHelpText('after', '\nExamples:\n  $ rear providers\n  $ rear providers --json | jq \'.providers[] | {providerId, successRate}\'')
    .action(async (_options, command) => {
      const ctx = contextOf(command, io)
      const answer = (await ctx.client.get('/providers/v1')).body
      if (ctx.json) return ctx.printJson(answer)
      const ms = (v: unknown) => (typeof v === 'number' ? `${Math.round(v)} ms` : '')
      ctx.out(
        table(
          ['PROVIDER', 'CHAINS', 'SUCCESS', 'ANSWER', 'PEERING', 'RATINGS', 'RATING'],
          list(at(answer, 'providers')).map((p) => {
            const rate = at(p, 'successRate')
            const rating = at(p, 'meanRating')
            return [
              text(at(p, 'providerId')),
              text(at(p, 'chains')),
              typeof rate === 'number' ? `${Math.round(rate * 100)}%` : '',
              ms(at(p, 'meanAnswerMs')),
              ms(at(p, 'meanPeeringMs')),
              text(at(p, 'ratings')),
              typeof rating === 'number' ? rating.toFixed(1) : '',
            ]
          }),
        ),
      )
    })
}
