import { build } from 'esbuild'
import { readdirSync, statSync } from 'node:fs'
import { BUNDLE_OPTIONS, ESM_REQUIRE_BANNER } from './bundle-options.ts'
import { FUNCTIONS } from './functions.ts'

/** Bundles each function on its own (ESM, minified, tree-shaken) into dist/<name>/index.mjs. */
export interface BuiltFunction {
  name: string
  file: string
  /** The entry file alone. */
  entryBytes: number
  /** Every file of the bundle, lazily loaded chunks included. */
  totalBytes: number
}

export async function buildFunctions(outdir = 'dist'): Promise<BuiltFunction[]> {
  const results: BuiltFunction[] = []
  for (const fn of FUNCTIONS) {
    const dir = `${outdir}/${fn.name}`
    const file = `${dir}/index.mjs`
    await build({
      entryPoints: { index: fn.entry },
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      ...BUNDLE_OPTIONS,
      bundle: true,
      treeShaking: true,
      platform: 'node',
      target: 'node20',
      sourcemap: false,
      legalComments: 'none',
      banner: { js: ESM_REQUIRE_BANNER },
      logLevel: 'warning',
    })
    const totalBytes = readdirSync(dir).reduce((sum, f) => sum + statSync(`${dir}/${f}`).size, 0)
    results.push({ name: fn.name, file, entryBytes: statSync(file).size, totalBytes })
  }
  return results
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await buildFunctions()) {
    process.stdout.write(`${r.name.padEnd(20)} ${(r.totalBytes / 1024).toFixed(1).padStart(8)} KiB in all, entry ${(r.entryBytes / 1024).toFixed(1)} KiB  ${r.file}\n`)
  }
}
