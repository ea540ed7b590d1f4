import { processSimIo, runSimulate } from './cli.ts'

process.exitCode = await runSimulate(process.argv.slice(2), processSimIo())
