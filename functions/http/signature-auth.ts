import type { Context } from 'hono'
import { every } from 'hono/combine'
import { Hono } from 'hono'
import { UnauthorizedError } from '../../core/shared/errors.ts'
import type { Logger } from '../../core/shared/ports.ts'
import type { PeerRepository } from '../../core/peers/ports.ts'
import type { KeyRing, RequestVerifier, SealingKeyRing } from '../../core/security/ports.ts'
import { publicKeySet } from '../../core/security/keys.ts'
import { publicSealingKeys } from '../../core/security/sealing-keys.ts'
import type { AppEnv } from './env.ts'
import type { AuthMiddleware } from './middleware.ts'
import { methodNotAllowed } from './middleware.ts'

export interface SignatureAuthOptions {
  verifier: RequestVerifier
  peers: PeerRepository
  /** Local mode without `--secure`: unsigned calls from this machine are accepted (curl, FLUIDOS tools). */
  localLoopback: boolean
  logger: Logger
  /** This participant's public base URL: signatures are checked against it, never against the Host header. */
  selfUrl?: string
  /** Where the request came from; by default the Node socket's peer, or API Gateway's source IP. */
  remoteAddress?: (c: Context<AppEnv>) => string | undefined
}

type RuntimeEnv = {
  incoming?: { socket?: { remoteAddress?: string } }
  event?: { requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } } }
}

/** The caller's address as this runtime sees it: the Node server's socket, or the Lambda event's source IP. */
export function defaultRemoteAddress(c: Context<AppEnv>): string | undefined {
  const env = c.env as RuntimeEnv | undefined
  const address = env?.incoming?.socket?.remoteAddress ?? env?.event?.requestContext?.http?.sourceIp ?? env?.event?.requestContext?.identity?.sourceIp
  return address?.replace(/^::ffff:/, '')
}

const isLoopback = (address: string | undefined) => address !== undefined && (address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address))

const hasSignature = (c: Context<AppEnv>) => c.req.header('Signature') !== undefined || c.req.header('Signature-Input') !== undefined

/**
 * Verifies the RFC 9421 signature of a call before any handler runs and sets `caller`. An unsigned
 * call is let through only from loopback while `localLoopback` is on, or from the configured address
 * of a peer registered `legacyUnsigned` (logged every time); anything else is 401 with a coded reason.
 */
export function signatureAuth(options: SignatureAuthOptions): AuthMiddleware {
  const addressOf = options.remoteAddress ?? defaultRemoteAddress
  return async (c, next) => {
    if (hasSignature(c)) {
      const raw = c.req.raw.clone()
      const url = new URL(raw.url)
      const request = options.selfUrl ? new Request(`${options.selfUrl}${url.pathname}${url.search}`, raw) : raw
      c.set('caller', await options.verifier.verify(request))
      return next()
    }
    const address = addressOf(c)
    if (options.localLoopback && isLoopback(address)) {
      c.set('caller', { kind: 'unsigned', reason: 'loopback' })
      return next()
    }
    const legacy = address ? (await options.peers.list()).find((peer) => peer.legacyUnsigned?.address.replace(/^::ffff:/, '') === address) : undefined
    if (legacy) {
      ;(c.get('logger') ?? options.logger).warn('UNSIGNED_LEGACY_CALL', { peerId: legacy.id, address, method: c.req.method, path: c.req.path })
      c.set('caller', { kind: 'unsigned', reason: 'legacy-peer', id: legacy.id })
      return next()
    }
    throw new UnauthorizedError('This route needs a signed request (RFC 9421 HTTP Message Signatures, keyid of a registered peer)', { code: 'SIGNATURE_MISSING' })
  }
}

/** The agent API's guard: the agent's signature, then its bearer token as a second factor when one is set. */
export const agentSignatureAndToken = (signature: AuthMiddleware, token: AuthMiddleware): AuthMiddleware => every(signature, token)

export const WELL_KNOWN_KEYS_PATH = '/.well-known/rear-keys'

/** `GET /.well-known/rear-keys`: this participant's public JWK set (signing keys, then its current sealing key), for operators registering it as a peer. */
export function keyRoutes(ring: KeyRing | undefined, sealing?: SealingKeyRing): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get(WELL_KNOWN_KEYS_PATH, (c) => c.json({ keys: [...(ring ? publicKeySet(ring).keys : []), ...(sealing ? publicSealingKeys(sealing) : [])] }))
  app.all(WELL_KNOWN_KEYS_PATH, methodNotAllowed(['GET']))
  return app
}
