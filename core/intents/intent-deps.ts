import type { OrchestratorDeps } from './orchestrate.ts'
import type { WebhookVerifier } from './webhook.ts'

/** What the consumer node's intent API and its queue handler need: the orchestrator's ports and the webhook verifier. */
export interface IntentDeps extends OrchestratorDeps {
  verifier: WebhookVerifier
}
