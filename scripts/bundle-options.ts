/**
 * esbuild options shared by `npm run build`, the benchmark and the SST functions. `module` first makes
 * esbuild take the AWS SDK's ES modules, which it can tree-shake, instead of its one-file CommonJS
 * build with every command in it: that halves cold module init.
 */
export const BUNDLE_OPTIONS = {
  format: 'esm' as const,
  minify: true,
  splitting: true,
  mainFields: ['module', 'main'],
}

/** Lets CommonJS dependencies `require` Node built-ins inside an ESM bundle. */
export const ESM_REQUIRE_BANNER = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
