import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateSigningKey } from '../adapters/security/ed25519-keys.ts'
import { generateSealingKey } from '../adapters/security/x25519-keys.ts'
import { privateJwkSchema } from '../core/security/keys.ts'
import { sealingPrivateJwkSchema, sealingPublicPart } from '../core/security/sealing-keys.ts'
import type { PrivateJwk, SealingPrivateJwk } from '../core/security/ports.ts'
import type { LocalParticipant } from './federation.ts'

/** One participant's keys: its Ed25519 signing key, its agent's, and its X25519 sealing key. */
export interface ParticipantKeys {
  participant: PrivateJwk
  agent: PrivateJwk
  sealing: SealingPrivateJwk
}

/** Each participant's keys, by participant id. */
export type FederationKeys = ReadonlyMap<string, ParticipantKeys>

const fresh = (): ParticipantKeys => ({ participant: generateSigningKey(), agent: generateSigningKey(), sealing: generateSealingKey() })

/** The keys kept in `file`; a file from before sealing keys gets one added (`complete` false, so it is written again). */
async function persisted(file: string): Promise<{ keys: ParticipantKeys; complete: boolean } | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as { participant?: unknown; agent?: unknown; sealing?: unknown }
    const participant = privateJwkSchema.safeParse(value.participant)
    const agent = privateJwkSchema.safeParse(value.agent)
    if (!participant.success || !agent.success) return undefined
    const sealing = sealingPrivateJwkSchema.safeParse(value.sealing)
    const only = ({ kty, crv, x, d, kid }: PrivateJwk) => ({ kty, crv, x, d, kid })
    return {
      keys: { participant: only(participant.data), agent: only(agent.data), sealing: sealing.success ? { ...sealingPublicPart(sealing.data), d: sealing.data.d } : generateSealingKey() },
      complete: sealing.success,
    }
  } catch {
    return undefined
  }
}

/**
 * Key pairs for every participant (signing and sealing) and its agent: made at each start, or, with a
 * data directory (`--persist`), kept in `<dir>/keys/<participant>.json` (mode 0600) and reused on the next start.
 */
export async function federationKeys(specs: readonly LocalParticipant[], dataPath?: string): Promise<FederationKeys> {
  const keys = new Map<string, ParticipantKeys>()
  if (!dataPath) {
    for (const spec of specs) keys.set(spec.id, fresh())
    return keys
  }
  const directory = join(dataPath, 'keys')
  await mkdir(directory, { recursive: true, mode: 0o700 })
  for (const spec of specs) {
    const file = join(directory, `${spec.id}.json`)
    const kept = await persisted(file)
    const keysOf = kept?.keys ?? fresh()
    if (!kept?.complete) {
      await writeFile(file, `${JSON.stringify(keysOf, null, 2)}\n`, { mode: 0o600 })
      await chmod(file, 0o600)
    }
    keys.set(spec.id, keysOf)
  }
  return keys
}
