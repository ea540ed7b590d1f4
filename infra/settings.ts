import { BUNDLE_OPTIONS } from '../scripts/bundle-options'
import stages from '../stages.json'
import { stageSettings } from './stage-settings'

/** The participant this stage deploys, as stages.json registers it: one stage serves one role. */
export const participant = stageSettings($app.name, $app.stage, stages)

export const isProduction = participant.production

/** Lambda runtime for every function: Node 22 (the code also runs on Node 20, as the tests do). */
export const runtime = 'nodejs22.x' as const

/** The same bundling `npm run build` measures: ESM, minified, lazily imported modules split out, ES modules preferred. */
export const bundling = {
  format: BUNDLE_OPTIONS.format,
  minify: BUNDLE_OPTIONS.minify,
  splitting: BUNDLE_OPTIONS.splitting,
  esbuild: { mainFields: BUNDLE_OPTIONS.mainFields },
}
