import * as z from 'zod'
import { ROLES } from '../core/peers/model.ts'
import type { Role } from '../core/peers/model.ts'

const stageEntry = z.strictObject({
  role: z.enum(ROLES),
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, dots and dashes').optional(),
  domain: z.string().min(1),
  liqoClusterId: z.string().default(''),
  transactionTtlSeconds: z.number().int().positive().optional(),
  production: z.boolean().default(false),
})

const stagesFile = z.record(z.string(), stageEntry)

export type StagesFile = z.input<typeof stagesFile>

/** What one stage deploys: the participant's identity and role, and whether its data is kept. */
export interface StageSettings {
  role: Role
  participantId: string
  domain: string
  liqoClusterId: string
  /** How long a reservation holds capacity; the functions' own default (functions/config.ts) when absent. */
  transactionTtlSeconds?: number
  /** Production stages retain their table on removal, protect it from deletion and protect the app. */
  production: boolean
}

export class StageSettingsError extends Error {
  override name = 'StageSettingsError'
}

/**
 * The stage chooses the participant: `stages.json` records, per stage, its role and identity, so a
 * redeploy can never silently change either. A stage missing from the file is a developer's own
 * throwaway node, never production.
 */
export function stageSettings(app: string, stage: string, file: unknown): StageSettings {
  const parsed = stagesFile.safeParse(file)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new StageSettingsError(`stages.json is invalid: ${problems}`)
  }
  const entry = parsed.data[stage]
  if (!entry) {
    return { role: 'node', participantId: `${app}-${stage}`, domain: `${stage}.dev.${app}`, liqoClusterId: '', production: false }
  }
  return {
    role: entry.role,
    participantId: entry.id ?? stage,
    domain: entry.domain,
    liqoClusterId: entry.liqoClusterId,
    ...(entry.transactionTtlSeconds ? { transactionTtlSeconds: entry.transactionTtlSeconds } : {}),
    production: entry.production,
  }
}
