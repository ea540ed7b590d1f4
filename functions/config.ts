import * as z from 'zod'
import { INDEX_LOG_LAG_DEFAULT_MS } from './listing-index.ts'
import { ROLES } from '../core/peers/model.ts'
import type { Role } from '../core/peers/model.ts'
import { parseWebhookSecret } from '../adapters/webhooks/standard-webhooks.ts'
import { allowedHostsVariable } from './http/hardening.ts'
import { parseKeyDirectory, parseKeyRing, parsePublicKeys } from '../core/security/keys.ts'
import type { KeyRing, PeerPublicJwk, PublicJwk, SealingKeyRing } from '../core/security/ports.ts'
import { parseSealingKeyRing } from '../core/security/sealing-keys.ts'
import { isRearError } from '../core/shared/errors.ts'

const DAY_MS = 86_400_000

const envSchema = z.object({
  REAR_ROLE: z.enum(ROLES).default('node'),
  PARTICIPANT_ID: z.string().min(1, 'is required'),
  PARTICIPANT_DOMAIN: z.string().min(1, 'is required'),
  PARTICIPANT_ENDPOINT: z.string().default(''),
  PARTICIPANT_URL: z.url({ protocol: /^https?$/ }).optional(),
  TABLE_NAME: z.string().min(3, 'is required'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().optional(),
  TRANSACTION_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
  CONTRACT_TTL_DAYS: z.coerce.number().int().positive().default(365),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(256 * 1024),
  LIQO_CLUSTER_ID: z.string().default(''),
  PEERING_KUBECONFIG: z.string().default(''),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  AGENT_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PEER_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(2000),
  HOP_LIMIT: z.coerce.number().int().min(0).max(16).default(4),
  CANDIDATE_TTL_SECONDS: z.coerce.number().int().positive().default(30),
  PUBLICATION_TTL_SECONDS: z.coerce.number().int().positive().default(180),
  CHAIN_QUEUE_URL: z.string().default(''),
  AGENT_QUEUE_URL: z.string().default(''),
  SQS_ENDPOINT: z.url().optional(),
  HOP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(900).default(30),
  ALLOWED_HOSTS: allowedHostsVariable,
  MAX_HOLDS_PER_BUYER: z.coerce.number().int().min(1).max(1000).default(5),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(0),
  RESERVATION_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(0),
  INTENT_WEBHOOK_SECRET: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined || value === '') return
      try {
        parseWebhookSecret(value, 'INTENT_WEBHOOK_SECRET')
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be whsec_ followed by the base64 of 24 to 64 bytes' })
      }
    }),
  SIGNING_KEYS: z.string().optional().superRefine(checked(parseKeyRing)),
  AGENT_PUBLIC_KEYS: z.string().optional().superRefine(checked(parsePublicKeys)),
  PEER_PUBLIC_KEYS: z.string().optional().superRefine(checked(parseKeyDirectory)),
  SEALING_KEYS: z.string().optional().superRefine(checked(parseSealingKeyRing)),
  LOCAL_UNSIGNED_LOOPBACK: z.enum(['true', 'false']).default('false'),
  INDEX_SNAPSHOT_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name').optional(),
  S3_ENDPOINT: z.url().optional(),
  INDEX_LOG_LAG_MS: z.coerce.number().int().min(100).max(60_000).default(INDEX_LOG_LAG_DEFAULT_MS),
  LIST_MAX_FLAVOURS: z.coerce.number().int().min(1).max(100_000).default(5000),
})

/** A JSON variable checked by its parser, whose message (without the variable's name) becomes the issue. */
function checked(parse: (text: string, name: string) => unknown) {
  return (value: string | undefined, ctx: z.RefinementCtx) => {
    if (value === undefined || value === '') return
    try {
      parse(value, '')
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: isRearError(error) ? error.message.trim() : 'is malformed' })
    }
  }
}

/** Everything a participant's functions are configured with. */
export interface ParticipantConfig {
  role: Role
  id: string
  domain: string
  /** `host:port` others reach this participant's REAR API at (the Go node's `IP`). */
  endpoint: string
  /** This participant's public base URL, the reply address of its chain messages. */
  publicUrl?: string
  tableName: string
  dynamoEndpoint?: string
  region?: string
  transactionTtlMs: number
  contractTtlMs: number
  maxBodyBytes: number
  liqoClusterId: string
  peeringKubeconfig: string
  adminToken?: string
  /** The in-cluster agent's bearer token for `/agent/*` only (open when unset, local mode). */
  agentToken?: string
  peerTimeoutMs: number
  hopLimit: number
  candidateTtlMs: number
  publicationTtlMs: number
  /** Where chain messages to this participant are queued (empty: the participant takes no part in chains). */
  chainQueueUrl: string
  agentQueueUrl: string
  sqsEndpoint?: string
  hopTimeoutSeconds: number
  /** Standard Webhooks secret (`whsec_…`) platforms sign intents with, and callbacks are signed with; intents are refused without one. */
  intentWebhookSecret?: string
  /** host[:port] this API answers for; any other Host gets 421 (DNS rebinding). Unset: no check. */
  allowedHosts?: string[]
  /** Live holds one buyer may have at once; one more is a 429 until the earliest expires. */
  maxHoldsPerBuyer: number
  /** Requests a minute per caller on /api and /rear, and on reserve, purchase and cancel (0: no limit). */
  rateLimits: { rearPerMinute: number; reservationsPerMinute: number }
  /** This participant's Ed25519 keys (`SIGNING_KEYS`): without them its calls go unsigned and incoming ones are not verified. */
  signingKeys?: KeyRing
  /** The in-cluster agent's public keys (`AGENT_PUBLIC_KEYS`, a JWK set), which its `/agent/*` calls are verified with. */
  agentPublicKeys: PublicJwk[]
  /** Public keys of participants that are not registered peers (`PEER_PUBLIC_KEYS`), by participant id. */
  peerKeyDirectory: Record<string, PeerPublicJwk[]>
  /** This participant's X25519 sealing keys (`SEALING_KEYS`): credentials are sealed to it and kept sealed; without them they stay in clear. */
  sealingKeys?: SealingKeyRing
  /** Unsigned calls from loopback are accepted (local mode without `--secure`). */
  localUnsignedLoopback: boolean
  /** The warm listing index: where its snapshots are (`INDEX_SNAPSHOT_BUCKET`, `S3_ENDPOINT`) and how far back each refresh re-reads the log (ms). */
  listingIndex: { snapshotBucket?: string; s3Endpoint?: string; lagMs: number }
  /** Most flavours one unpaginated LIST_FLAVORS answer carries (cheapest first); a cut is logged. */
  listMaxFlavours: number
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads and checks configuration from environment variables; names every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): ParticipantConfig {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`)
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
  }
  const e = parsed.data
  return {
    role: e.REAR_ROLE,
    id: e.PARTICIPANT_ID,
    domain: e.PARTICIPANT_DOMAIN,
    endpoint: e.PARTICIPANT_ENDPOINT,
    ...(e.PARTICIPANT_URL ? { publicUrl: e.PARTICIPANT_URL.replace(/\/$/, '') } : {}),
    tableName: e.TABLE_NAME,
    ...(e.DYNAMODB_ENDPOINT ? { dynamoEndpoint: e.DYNAMODB_ENDPOINT } : {}),
    ...(e.AWS_REGION ? { region: e.AWS_REGION } : {}),
    transactionTtlMs: e.TRANSACTION_TTL_SECONDS * 1000,
    contractTtlMs: e.CONTRACT_TTL_DAYS * DAY_MS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    liqoClusterId: e.LIQO_CLUSTER_ID,
    peeringKubeconfig: e.PEERING_KUBECONFIG,
    ...(e.ADMIN_TOKEN ? { adminToken: e.ADMIN_TOKEN } : {}),
    ...(e.AGENT_TOKEN ? { agentToken: e.AGENT_TOKEN } : {}),
    peerTimeoutMs: e.PEER_TIMEOUT_MS,
    hopLimit: e.HOP_LIMIT,
    candidateTtlMs: e.CANDIDATE_TTL_SECONDS * 1000,
    publicationTtlMs: e.PUBLICATION_TTL_SECONDS * 1000,
    chainQueueUrl: e.CHAIN_QUEUE_URL,
    agentQueueUrl: e.AGENT_QUEUE_URL,
    ...(e.SQS_ENDPOINT ? { sqsEndpoint: e.SQS_ENDPOINT } : {}),
    hopTimeoutSeconds: e.HOP_TIMEOUT_SECONDS,
    ...(e.INTENT_WEBHOOK_SECRET ? { intentWebhookSecret: e.INTENT_WEBHOOK_SECRET } : {}),
    ...(e.ALLOWED_HOSTS ? { allowedHosts: e.ALLOWED_HOSTS } : {}),
    maxHoldsPerBuyer: e.MAX_HOLDS_PER_BUYER,
    rateLimits: { rearPerMinute: e.RATE_LIMIT_PER_MINUTE, reservationsPerMinute: e.RESERVATION_RATE_LIMIT_PER_MINUTE },
    ...(e.SIGNING_KEYS ? { signingKeys: parseKeyRing(e.SIGNING_KEYS) } : {}),
    agentPublicKeys: e.AGENT_PUBLIC_KEYS ? parsePublicKeys(e.AGENT_PUBLIC_KEYS) : [],
    peerKeyDirectory: e.PEER_PUBLIC_KEYS ? parseKeyDirectory(e.PEER_PUBLIC_KEYS) : {},
    ...(e.SEALING_KEYS ? { sealingKeys: parseSealingKeyRing(e.SEALING_KEYS) } : {}),
    localUnsignedLoopback: e.LOCAL_UNSIGNED_LOOPBACK === 'true',
    listingIndex: {
      ...(e.INDEX_SNAPSHOT_BUCKET ? { snapshotBucket: e.INDEX_SNAPSHOT_BUCKET } : {}),
      ...(e.S3_ENDPOINT ? { s3Endpoint: e.S3_ENDPOINT } : {}),
      lagMs: e.INDEX_LOG_LAG_MS,
    },
    listMaxFlavours: e.LIST_MAX_FLAVOURS,
  }
}
