import { HttpMessageSigner } from '../adapters/security/http-signatures.ts'
import { AGENT_KEY_OWNER, keyIdOf, privateJwkSchema } from '../core/security/keys.ts'
import type { PrivateJwk, RequestSigner } from '../core/security/ports.ts'
import type { Clock } from '../core/shared/ports.ts'
import { systemClock } from '../core/shared/system-clock.ts'
import { ValidationError } from '../core/shared/errors.ts'

/** The agent's private JWK (`--key` file or REAR_AGENT_KEY): Ed25519 with a kid; a bad one stops the agent at start. */
export function parseAgentKey(text: string): PrivateJwk {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new ValidationError('The agent key is not JSON (an Ed25519 private JWK is expected)', { code: 'INVALID_AGENT_KEY', cause })
  }
  const parsed = privateJwkSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ValidationError(`The agent key ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'is malformed'}`, { code: 'INVALID_AGENT_KEY' })
  }
  const { kty, crv, x, d, kid } = parsed.data
  return { kty, crv, x, d, kid }
}

/** Signs the agent's calls as `agent#<kid>`. */
export const agentSigner = (key: PrivateJwk, clock: Clock = systemClock): RequestSigner => new HttpMessageSigner(keyIdOf(AGENT_KEY_OWNER, key), key, clock)
