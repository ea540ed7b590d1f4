import type { Command } from '@commander-js/extra-typings'
import { contextOf } from '../context.ts'
import type { CommandContext } from '../context.ts'
import { CliError, EXIT } from '../exit-codes.ts'
import { at, flavourSummary, list, table, text } from '../format.ts'
import type { CliIo } from '../io.ts'
import { idArgument, intIn } from '../options.ts'

/** What a participant offers instead of a contract or allocation listing: its intents and their chains. */
const NO_LISTING = (what: string, url: string) =>
  `${url} has no route that lists ${what}; shown: the ${what} of its intents (GET /intents/v1, newest first)`

/** Up to `limit` intents, newest first, paging through `/intents/v1`. */
async function recentIntents(ctx: CommandContext, limit: number, what: string): Promise<unknown[]> {
  const intents: unknown[] = []
  let cursor: string | undefined
  try {
    do {
      const page = (await ctx.client.get('/intents/v1', { limit: Math.min(100, limit - intents.length), cursor })).body
      intents.push(...list(at(page, 'intents')))
      cursor = text(at(page, 'next')) || undefined
    } while (cursor && intents.length < limit)
  } catch (error) {
    if (error instanceof CliError && error.answer?.status === 404) {
      throw new CliError(`${ctx.client.baseUrl.origin} lists no ${what} and has no intents route (GET /intents/v1 answered 404): give an id, e.g. rear ${what} <id>`, EXIT.refused, error.answer)
    }
    throw error
  }
  return intents.slice(0, limit)
}

/** The text of one contract, without its peering kubeconfig. */
function contractSummary(contract: unknown): string {
  const lines = [`contract ${text(at(contract, 'contractID'))}  ${text(at(contract, 'status'))}`]
  const field = (name: string, value: string) => value && lines.push(`  ${name.padEnd(12)}${value}`)
  field('transaction', text(at(contract, 'transactionID')))
  field('flavour', `${text(at(contract, 'flavor', 'flavorID'))}  ${flavourSummary(at(contract, 'flavor'))}`)
  field('seller', text(at(contract, 'seller', 'ID')))
  field('buyer', `${text(at(contract, 'buyerID', 'ID'))}${at(contract, 'buyerClusterID') ? ` (cluster ${text(at(contract, 'buyerClusterID'))})` : ''}`)
  field('peers with', text(at(contract, 'peeringTargetCredentials', 'clusterID')))
  field('expires', text(at(contract, 'expirationTime')))
  field('released', text(at(contract, 'releasedAt')))
  return lines.join('\n')
}

const contractPath = (id: string) => `/admin/v1/contracts/${encodeURIComponent(id)}`
const operationPath = (id: string) => `/chain/v1/operations/${encodeURIComponent(id)}`

/** `rear contracts [id]` and `rear allocations`: what the participant's API offers about them. */
export function contractCommands(program: Command, io: CliIo): void {
  program
    .command('contracts')
    .description('one contract (GET /admin/v1/contracts/{id}); without an id, the contracts of the participant\'s intents')
    .argument('[id]', 'a contract id', idArgument)
    .option('--limit <n>', 'without an id: how many recent intents to look through (1-500)', intIn(1, 500), 20)
    .addHelpText(
      'after',
      `
The API has no contract listing: without an id the command says so on stderr, pages through the
intents (GET /intents/v1) and reads each intent's contract from GET /admin/v1/contracts/{id}.
Text output never shows the peering kubeconfig; --json gives the participant's answer as it is.
An operator route: give --admin-token when the participant has ADMIN_TOKEN set.

Examples:
  $ rear contracts 3f0c…
  $ rear contracts --limit 50 --json | jq '.contracts[].status'`,
    )
    .action(async (id, options, command) => {
      const ctx = contextOf(command, io)
      if (id) {
        const contract = (await ctx.client.get(contractPath(id))).body
        return ctx.json ? ctx.printJson(contract) : ctx.out(contractSummary(contract))
      }
      const note = NO_LISTING('contracts', ctx.client.baseUrl.origin)
      ctx.note(note)
      const intents = (await recentIntents(ctx, options.limit, 'contracts')).filter((i) => text(at(i, 'contractId')))
      const contracts = await Promise.all(
        intents.map(async (i) => ({ intentId: text(at(i, 'id')), operationId: text(at(i, 'operationId')), contract: (await ctx.client.get(contractPath(text(at(i, 'contractId'))))).body })),
      )
      if (ctx.json) return ctx.printJson({ source: 'intents', note, contracts: contracts.map((c) => ({ intentId: c.intentId, operationId: c.operationId, ...(c.contract as object) })) })
      ctx.out(
        table(
          ['CONTRACT', 'STATUS', 'SELLER', 'FLAVOUR', 'INTENT', 'OPERATION', 'EXPIRES'],
          contracts.map((c) => [text(at(c.contract, 'contractID')), text(at(c.contract, 'status')), text(at(c.contract, 'seller', 'ID')), flavourSummary(at(c.contract, 'flavor')), c.intentId, c.operationId, text(at(c.contract, 'expirationTime'))]),
        ),
      )
    })

  program
    .command('allocations')
    .description('the consumer\'s VirtualNode allocations as its chain operations show them, with their peering status')
    .option('--operation <id>', 'read these operations (repeatable) instead of the intents\' ones', (value: string, previous: string[] = []) => [...previous, idArgument(value)])
    .option('--limit <n>', 'without --operation: how many recent intents to look through (1-500)', intIn(1, 500), 20)
    .addHelpText(
      'after',
      `
The API has no allocation route: an allocation is shown by its chain operation
(GET /chain/v1/operations/{id}: allocationID, peering status; "active" once the virtual node is Ready).
Without --operation the command says so on stderr and takes the operations of the intents (GET /intents/v1).

Examples:
  $ rear allocations
  $ rear allocations --operation chain-1a2b --json`,
    )
    .action(async (options, command) => {
      const ctx = contextOf(command, io)
      let sources: { intentId: string; operationId: string }[]
      let note: string | undefined
      if (options.operation) sources = options.operation.map((operationId) => ({ intentId: '', operationId }))
      else {
        note = NO_LISTING('allocations', ctx.client.baseUrl.origin)
        ctx.note(note)
        sources = (await recentIntents(ctx, options.limit, 'allocations'))
          .filter((i) => text(at(i, 'operationId')))
          .map((i) => ({ intentId: text(at(i, 'id')), operationId: text(at(i, 'operationId')) }))
      }
      const hops = await Promise.all(sources.map(async (s) => ({ ...s, hop: (await ctx.client.get(operationPath(s.operationId))).body })))
      const allocations = hops
        .filter((h) => text(at(h.hop, 'allocationID')))
        .map((h) => ({
          allocationId: text(at(h.hop, 'allocationID')),
          operationId: h.operationId,
          ...(h.intentId ? { intentId: h.intentId } : {}),
          state: text(at(h.hop, 'state')),
          contractId: text(at(h.hop, 'contractID')) || null,
          peering: at(h.hop, 'peering') ?? null,
          remoteClusterId: at(h.hop, 'remoteClusterID') ?? null,
        }))
      if (ctx.json) return ctx.printJson({ source: options.operation ? 'operations' : 'intents', ...(note ? { note } : {}), allocations })
      ctx.out(
        table(
          ['ALLOCATION', 'OPERATION', 'STATE', 'PEERING', 'CONTRACT', 'INTENT'],
          allocations.map((a) => [a.allocationId, a.operationId, a.state, text(at(a.peering, 'status')), a.contractId ?? '', a.intentId ?? '']),
        ),
      )
    })
}
