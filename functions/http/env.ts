import type { Logger } from '../../core/shared/ports.ts'

/** Hono context variables every rear-cloud app sets. */
export interface AppEnv {
  Variables: {
    logger: Logger
    correlationId: string
  }
}
