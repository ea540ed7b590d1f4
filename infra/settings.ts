import { BUNDLE_OPTIONS } from '../scripts/bundle-options'

/** Which participant this stage deploys: one stage serves one role (node, supernode or catalog). */
const ROLES = ['node', 'supernode', 'catalog'] as const
const role = process.env.REAR_ROLE ?? 'node'
if (!(ROLES as readonly string[]).includes(role)) throw new Error(`REAR_ROLE must be one of ${ROLES.join(', ')}, not ${role}`)

export const isProduction = $app.stage === 'production'

export const participant = {
  role,
  id: process.env.PARTICIPANT_ID ?? `${$app.name}-${$app.stage}`,
  domain: process.env.PARTICIPANT_DOMAIN ?? `${$app.stage}.rear-cloud`,
  liqoClusterId: process.env.LIQO_CLUSTER_ID ?? '',
  transactionTtlSeconds: process.env.TRANSACTION_TTL_SECONDS ?? '3600',
}

/** Lambda runtime for every function: Node 22 (the code also runs on Node 20, as the tests do). */
export const runtime = 'nodejs22.x' as const

/** The same bundling `npm run build` measures: ESM, minified, lazily imported modules split out, ES modules preferred. */
export const bundling = {
  format: BUNDLE_OPTIONS.format,
  minify: BUNDLE_OPTIONS.minify,
  splitting: BUNDLE_OPTIONS.splitting,
  esbuild: { mainFields: BUNDLE_OPTIONS.mainFields },
}
