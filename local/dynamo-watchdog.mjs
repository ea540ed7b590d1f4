/**
 * Ties DynamoDB Local's life to the process that started it: Node cannot ask the kernel to kill a
 * child when its parent dies (no prctl), so this tiny plain-Node process holds a pipe from the
 * parent on stdin and kills the Java process (argv[2]) once the pipe closes, which happens however
 * the parent ends, SIGKILL included. It exits on its own when Java is gone.
 * Run by `local/emulators.ts` as `node local/dynamo-watchdog.mjs <java pid>`; plain JS so it starts in
 * milliseconds without tsx.
 */
const pid = Number(process.argv[2])
const GRACE_MS = 3000

const alive = () => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const signal = (name) => {
  try {
    process.kill(pid, name)
  } catch {
    // already gone
  }
}

let killing = false
function killJava() {
  if (killing) return
  killing = true
  signal('SIGTERM')
  const deadline = Date.now() + GRACE_MS
  setInterval(() => {
    if (!alive()) process.exit(0)
    if (Date.now() > deadline) {
      signal('SIGKILL')
      process.exit(0)
    }
  }, 50)
}

if (!Number.isInteger(pid) || pid <= 0) {
  process.stderr.write(`dynamo-watchdog: expected a process id, not ${process.argv[2]}\n`)
  process.exit(2)
}
// Ctrl+C and a closed terminal reach Java directly; the watchdog keeps watching the parent.
process.on('SIGINT', () => {})
process.on('SIGHUP', () => {})
process.stdin.on('data', () => {})
process.stdin.once('end', killJava)
process.stdin.once('close', killJava)
process.stdin.once('error', killJava)
setInterval(() => {
  if (!alive()) process.exit(0)
}, 500)
