import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

/**
 * Generates SST's platform types (.sst/platform) from the npm registry alone, once, so that
 * `tsc -p tsconfig.infra.json` can check sst.config.ts and infra/ with no cloud credentials.
 */
if (!existsSync('.sst/platform/config.d.ts')) {
  process.stderr.write('[infra] generating SST platform types (sst install, about a minute the first time)\n')
  const result = spawnSync('npx', ['sst', 'install', '--stage', 'typecheck'], {
    stdio: 'inherit',
    env: { ...process.env, SST_SKIP_DEPENDENCY_CHECK: '1', NO_BUN: '1', SST_TELEMETRY_DISABLED: '1' },
  })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
