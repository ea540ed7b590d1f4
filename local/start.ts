import { startFederation } from './federation-runtime.ts'
import { PER_PARTICIPANT_VARIABLES } from './federation-env.ts'
import { JavaMissingError } from './java-check.ts'
import { parseStartCommand, START_HELP } from './start-options.ts'
import { stopOnShutdown } from './shutdown.ts'
import { offeredFlavours, startBanner } from './start-banner.ts'
import type { OfferedFlavour } from './start-banner.ts'
import type { Federation } from './federation-runtime.ts'
import { DEV_WEBHOOK_SECRET } from '../adapters/webhooks/standard-webhooks.ts'
import { HttpMessageSigner } from '../adapters/security/http-signatures.ts'
import { keyIdOf } from '../core/security/keys.ts'
import { systemClock } from '../core/shared/system-clock.ts'

const progress = (message: string) => process.stderr.write(`[rear-cloud] ${message}\n`)

async function main(): Promise<void> {
  const command = parseStartCommand(process.argv.slice(2), process.env)
  if (command.help) {
    process.stdout.write(START_HELP)
    return
  }
  for (const name of command.ignored) progress(`ignoring ${name} from the environment: ${PER_PARTICIPANT_VARIABLES[name]}`)
  const started = Date.now()
  const starting = startFederation({ ...command.options, onProgress: progress })
  stopOnShutdown(async () => (await starting.catch(() => undefined))?.stop(), process, { onProgress: progress })
  const federation = await starting
  const devSecret = process.env.INTENT_WEBHOOK_SECRET ? {} : { devSecret: DEV_WEBHOOK_SECRET }
  process.stderr.write(startBanner(federation, Date.now() - started, await sellersFlavours(federation), devSecret, { secure: command.options.secure ?? false }))
}

/**
 * What each seller lists at `GET /api/v2/flavors/k8slice`, as a buyer would see it (asked signed as
 * another participant, so `--secure` answers too); a failure only leaves it out of the banner.
 */
async function sellersFlavours(federation: Federation): Promise<Record<string, OfferedFlavour[]>> {
  const sellers = federation.participants.filter((p) => p.spec.seller)
  const lists = await Promise.all(
    sellers.map(async ({ spec, url }) => {
      try {
        const asker = federation.participants.find((p) => p.spec.id !== spec.id && p.config.signingKeys)
        const request = new Request(`${url}/api/v2/flavors/k8slice`)
        const keys = asker?.config.signingKeys
        const headers = asker && keys ? await new HttpMessageSigner(keyIdOf(asker.spec.id, keys.current), keys.current, systemClock).sign(request) : undefined
        const response = await fetch(request.url, { ...(headers ? { headers } : {}), signal: AbortSignal.timeout(5_000) })
        return response.ok ? [[spec.id, offeredFlavours(await response.json())] as const] : []
      } catch {
        return []
      }
    }),
  )
  return Object.fromEntries(lists.flat())
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) process.stderr.write(`\n${error.message}\n`)
  else process.stderr.write(`\nrear-cloud could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
