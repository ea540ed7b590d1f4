import { build } from 'esbuild'
import { statSync } from 'node:fs'
import { ESM_REQUIRE_BANNER } from './bundle-options.ts'

/** The agent's entry point (`npm run agent` runs it with tsx; the image runs its bundle). */
export const AGENT_ENTRY = 'agent/main.ts'

export interface BuiltAgent {
  file: string
  bytes: number
  /** The repository's own source files in the bundle (dependencies from node_modules left out). */
  sources: string[]
}

/**
 * Bundles the in-cluster agent into one self-contained ES module, `<outdir>/main.mjs`, that needs nothing
 * but Node (20.19+) at run time: every dependency, `@kubernetes/client-node` included, is inside, so the
 * container image copies this one file. Not split (one file to copy) and not minified (stack traces in
 * the agent's logs stay readable). The banner gives CommonJS dependencies a `require` for Node built-ins.
 */
export async function buildAgent(outdir = 'dist/agent'): Promise<BuiltAgent> {
  const file = `${outdir}/main.mjs`
  const result = await build({
    entryPoints: [AGENT_ENTRY],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    treeShaking: true,
    minify: false,
    keepNames: true,
    sourcemap: false,
    legalComments: 'none',
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'warning',
    metafile: true,
  })
  const sources = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes('node_modules/'))
    .sort()
  return { file, bytes: statSync(file).size, sources }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outdir = process.argv[2] ?? 'dist/agent'
  const { file, bytes } = await buildAgent(outdir)
  process.stdout.write(`agent ${(bytes / 1024).toFixed(1).padStart(8)} KiB  ${file}\n`)
}
