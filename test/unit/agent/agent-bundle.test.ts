import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeKube } from '../../../local/fake-kube/index.ts'
import type { KubeObject } from '../../../local/fake-kube/index.ts'
import { buildAgent } from '../../../scripts/build-agent.ts'
import { aNode } from '../../support/kube-factories.ts'

const CONFIG = `
clusterId: cluster-a
domain: provider.local
owner: { id: provider-1, ip: 127.0.0.1:30001 }
price: { amount: "0.04", currency: EUR, period: hourly }
partitionability: { cpuMin: "1", memoryMin: 1Gi, podsMin: "1", cpuStep: "1", memoryStep: 512Mi, podsStep: "1" }
scan: { debounceMs: 10 }
`

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the bundle with plain `node` from a directory with no node_modules, as the image does. */
function runBundle(file: string, args: string[], env: Record<string, string> = {}, until?: (run: Run) => boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const run: Run = { code: null, stdout: '', stderr: '' }
    const timer = setTimeout(() => child.kill('SIGKILL'), 8_000)
    let stopping = false
    const check = () => {
      if (stopping || !until?.(run)) return
      stopping = true
      // main.ts sets its SIGTERM handler just after it logs AGENT_STARTED: a signal in between would
      // meet Node's default (exit by signal), so give it a moment, as a real shutdown comes much later.
      setTimeout(() => child.exitCode === null && child.kill('SIGTERM'), 200)
    }
    child.stdout.on('data', (chunk: Buffer) => ((run.stdout += chunk.toString()), check()))
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ ...run, code })
    })
  })
}

describe('the agent bundle (dist/agent/main.mjs, what the image runs)', () => {
  let dir: string
  let file: string
  let sources: string[]

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-bundle-'))
    ;({ file, sources } = await buildAgent(dir))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('is one self-contained file that prints its help and exits 0', async () => {
    const run = await runBundle(file, ['--help'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Usage: .*--participant/)
    expect(run.stdout).toContain('REAR_AGENT_TOKEN')
  })

  it('is made only of sources that deploy/agent/Dockerfile copies into its build stage', () => {
    const build = readFileSync('deploy/agent/Dockerfile', 'utf8').split(/^FROM /m)[1] ?? ''
    const copied = [...build.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '))
    expect(sources).toContain('agent/main.ts')
    const covered = (path: string) => copied.some((c) => path === c || path.startsWith(`${c.replace(/\/$/, '')}/`))
    for (const path of [...sources, 'scripts/build-agent.ts', 'scripts/bundle-options.ts', 'package.json', 'package-lock.json', 'tsconfig.json']) {
      expect(covered(path), `${path} is not copied`).toBe(true)
    }
  })

  it('names what is missing and exits 1 without options', async () => {
    const run = await runBundle(file, [])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^agent: missing --participant \(REAR_PARTICIPANT_URL\) and --config \(REAR_AGENT_CONFIG\)/)
  })

  it('follows a cluster with the bundled client-node and publishes its flavour, options from the environment, until SIGTERM', async () => {
    const kube = await startFakeKube({ bookmarkIntervalMs: 60_000 })
    const puts: { path: string; authorization: string | undefined; body: { flavorID?: string } }[] = []
    const participant = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        if (req.method === 'PUT') puts.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(body) as { flavorID?: string } })
        res.writeHead(req.method === 'PUT' ? 201 : 204, { 'content-type': 'application/json' }).end(req.method === 'PUT' ? body : undefined)
      })
    })
    await new Promise<void>((resolve) => participant.listen(0, '127.0.0.1', resolve))
    try {
      kube.store.apply(aNode({ name: 'worker-1' }) as KubeObject)
      await writeFile(join(dir, 'kubeconfig'), kube.kubeconfig.yaml)
      await writeFile(join(dir, 'agent.yaml'), CONFIG)
      const run = await runBundle(
        file,
        [],
        {
          REAR_PARTICIPANT_URL: `http://127.0.0.1:${(participant.address() as AddressInfo).port}`,
          REAR_AGENT_CONFIG: join(dir, 'agent.yaml'),
          KUBECONFIG: join(dir, 'kubeconfig'),
          REAR_AGENT_TOKEN: 'agent-token-0123456789',
        },
        // AGENT_STARTED comes after the first publication.
        (r) => r.stdout.includes('FLAVOURS_PUBLISHED') && r.stdout.includes('AGENT_STARTED'),
      )
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      const logs = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(logs.map((l) => l.event)).toEqual(expect.arrayContaining(['AGENT_STARTED', 'FLAVOURS_PUBLISHED']))
      const flavourPuts = puts.filter((p) => p.path.startsWith('/agent/v1/flavours/'))
      expect(flavourPuts).toHaveLength(1)
      expect(flavourPuts[0]).toMatchObject({ authorization: 'Bearer agent-token-0123456789' })
      expect(flavourPuts[0]?.path).toMatch(/^\/agent\/v1\/flavours\/provider\.local-k8slice-[0-9a-f]{16}$/)
      expect(puts.filter((p) => p.path === '/agent/v1/cluster').map((p) => p.body)).toEqual([{ liqoReady: false, detail: expect.stringContaining('not installed') }])
    } finally {
      await new Promise<void>((resolve) => participant.close(() => resolve()))
      await kube.stop()
    }
  }, 10_000)
})
