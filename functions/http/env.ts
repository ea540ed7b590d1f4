import type { Logger } from '../../core/shared/ports.ts'

/** Hono context variables every rear-cloud app sets. */
export interface AppEnv {
  Variables: {
    logger: Logger
    correlationId: string
    /** Who made this request, as the signature middleware established it. */
    caller?: { kind: 'peer' | 'agent'; id: string; keyId: string } | { kind: 'unsigned'; reason: 'loopback' | 'legacy-peer'; id?: string }
  }
}
