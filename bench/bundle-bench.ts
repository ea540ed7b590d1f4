import { spawnSync } from 'node:child_process'
import { build } from 'esbuild'
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildFunctions } from '../scripts/build.ts'
import { BUNDLE_OPTIONS, ESM_REQUIRE_BANNER } from '../scripts/bundle-options.ts'
import { sstLinkEnvironment } from '../scripts/sst-links.ts'
import type { Figure } from './stats.ts'
import { percentile, progress } from './stats.ts'

const RUNS = 7

const lambdaEnv = {
  PARTICIPANT_ID: 'bench',
  PARTICIPANT_DOMAIN: 'bench.local',
  AWS_REGION: 'us-east-1',
  ...sstLinkEnvironment({
    stage: 'bench',
    tableName: 'bench-table',
    adminToken: 'bench-admin-token-0000',
    chainQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-chain',
    agentQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-agent',
  }),
}

/** Milliseconds to import `file` in a fresh Node process: what a Lambda cold start pays for module init. */
function coldImportMs(file: string): number {
  const probe = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write('\\ninit-ms ' + (performance.now() - t))`
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { env: { ...process.env, ...lambdaEnv }, encoding: 'utf8' })
  const measured = /\ninit-ms (\d+(?:\.\d+)?)$/.exec(result.stdout)
  if (result.status !== 0 || !measured) throw new Error(`importing ${file} failed: ${result.stderr.slice(-600)}`)
  return Number(measured[1])
}

const medianCold = (file: string) => percentile(Array.from({ length: RUNS }, () => coldImportMs(file)), 50)

/** Bundle sizes and cold module-init time per function, init as a ratio to loading the DynamoDB client alone. */
export async function benchBundles(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rear-bundles-'))
  progress('bundling every function (esbuild, minified, tree-shaken)')
  const built = await buildFunctions(dir)
  const contents = "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'\nnew DynamoDBClient({})\n"
  await build({ stdin: { contents, resolveDir: process.cwd() }, outfile: join(dir, 'baseline-bundle.mjs'), bundle: true, minify: true, mainFields: BUNDLE_OPTIONS.mainFields, platform: 'node', format: 'esm', banner: { js: ESM_REQUIRE_BANNER }, logLevel: 'silent' })
  progress(`cold module init, median of ${RUNS} fresh processes each`)
  const baseline = medianCold(join(dir, 'baseline-bundle.mjs'))
  const baselineKiB = statSync(join(dir, 'baseline-bundle.mjs')).size / 1024
  const figures: Figure[] = [
    { name: 'baseline: cold init of a bundled DynamoDB client', value: baseline, unit: 'ms' },
    { name: 'baseline: bundled DynamoDB client', value: baselineKiB, unit: 'KiB' },
  ]
  for (const fn of built) {
    const kib = fn.totalBytes / 1024
    figures.push({ name: `${fn.name}: bundle, all files`, value: kib, unit: 'KiB', ratio: kib / baselineKiB, baseline: 'DynamoDB client bundle', goal: { max: 1024, on: 'value' } })
    figures.push({ name: `${fn.name}: bundle, entry file`, value: fn.entryBytes / 1024, unit: 'KiB', ratio: fn.entryBytes / 1024 / baselineKiB, baseline: 'DynamoDB client bundle' })
    const init = medianCold(fn.file)
    figures.push({ name: `${fn.name}: cold module init`, value: init, unit: 'ms', ratio: init / baseline, baseline: 'DynamoDB client init', goal: { max: 100, on: 'value' } })
  }
  return figures
}
