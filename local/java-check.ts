import { spawnSync } from 'node:child_process'

const FIX = [
  'DynamoDB Local (the storage emulator) needs a Java 17+ runtime on PATH.',
  'Install one, then run the command again:',
  '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless',
  '  macOS:         brew install openjdk@17',
  '  Windows:       winget install EclipseAdoptium.Temurin.17.JRE',
].join('\n')

export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(`${detail}\n${FIX}`)
    this.name = 'JavaMissingError'
  }
}

/** Fails with a message naming the fix when `java` is missing or older than 17. */
export function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' })
  if (result.error) throw new JavaMissingError('`java` was not found.')
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`)
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : NaN
  if (!(major >= 17)) throw new JavaMissingError(`\`java\` is version ${Number.isNaN(major) ? 'unknown' : major}.`)
}
