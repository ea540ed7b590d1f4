import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateSigningKey } from '../adapters/security/ed25519-keys.ts'
import { privateJwkSchema } from '../core/security/keys.ts'
import type { PrivateJwk } from '../core/security/ports.ts'
import type { LocalParticipant } from './federation.ts'

/** Each participant's Ed25519 key and its agent's, by participant id. */
export type FederationKeys = ReadonlyMap<string, { participant: PrivateJwk; agent: PrivateJwk }>

const pair = () => ({ participant: generateSigningKey(), agent: generateSigningKey() })

async function persisted(file: string): Promise<{ participant: PrivateJwk; agent: PrivateJwk } | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as { participant?: unknown; agent?: unknown }
    const participant = privateJwkSchema.safeParse(value.participant)
    const agent = privateJwkSchema.safeParse(value.agent)
    if (!participant.success || !agent.success) return undefined
    const only = ({ kty, crv, x, d, kid }: PrivateJwk) => ({ kty, crv, x, d, kid })
    return { participant: only(participant.data), agent: only(agent.data) }
  } catch {
    return undefined
  }
}

/**
 * Key pairs for every participant and its agent: made at each start, or, with a data directory
 * (`--persist`), kept in `<dir>/keys/<participant>.json` (mode 0600) and reused on the next start.
 */
export async function federationKeys(specs: readonly LocalParticipant[], dataPath?: string): Promise<FederationKeys> {
  const keys = new Map<string, { participant: PrivateJwk; agent: PrivateJwk }>()
  if (!dataPath) {
    for (const spec of specs) keys.set(spec.id, pair())
    return keys
  }
  const directory = join(dataPath, 'keys')
  await mkdir(directory, { recursive: true, mode: 0o700 })
  for (const spec of specs) {
    const file = join(directory, `${spec.id}.json`)
    const kept = await persisted(file)
    const keysOf = kept ?? pair()
    if (!kept) {
      await writeFile(file, `${JSON.stringify(keysOf, null, 2)}\n`, { mode: 0o600 })
      await chmod(file, 0o600)
    }
    keys.set(spec.id, keysOf)
  }
  return keys
}
