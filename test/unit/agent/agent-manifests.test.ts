import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { describe, expect, it } from 'vitest'
import { parseAgentConfig } from '../../../agent/config.ts'

const DIR = 'deploy/agent'

/**
 * The agent's permissions as its author fixed them: `group resource` → verbs. deploy/agent/rbac.yaml is
 * the one source in the repository; this is the check that it grants exactly this, no more.
 */
const EXPECTED_RBAC: Record<string, string[]> = {
  ' nodes': ['get', 'list', 'watch'],
  ' pods': ['get', 'list', 'watch', 'create', 'delete'],
  ' namespaces': ['get', 'create', 'patch', 'delete'],
  ' secrets': ['get', 'create', 'patch', 'delete'],
  ' configmaps': ['get', 'create', 'patch', 'delete'],
  ' services': ['get', 'create', 'patch', 'delete'],
  'apps deployments': ['get', 'list', 'create', 'patch', 'delete'],
  'networking.liqo.io configurations': ['get', 'create', 'patch', 'delete'],
  'networking.liqo.io gatewayservers': ['get', 'create', 'patch', 'delete'],
  'networking.liqo.io gatewayclients': ['get', 'create', 'patch', 'delete'],
  'networking.liqo.io publickeies': ['get', 'create', 'patch', 'delete'],
  'networking.liqo.io connections': ['get', 'list'],
  'authentication.liqo.io tenants': ['get', 'create', 'patch', 'delete'],
  'authentication.liqo.io identities': ['get', 'create', 'patch', 'delete'],
  'authentication.liqo.io resourceslices': ['get', 'create', 'patch', 'delete'],
  'offloading.liqo.io virtualnodes': ['get', 'list'],
  'offloading.liqo.io namespaceoffloadings': ['get', 'create', 'patch', 'delete'],
  'ipam.liqo.io networks': ['get'],
}

/** Every field of agent/config.ts, so the shipped example shows them all. */
const CONFIG_FIELDS = [
  'clusterId',
  'domain',
  'owner.id',
  'owner.ip',
  'owner.domain',
  'owner.liqoId',
  'location.latitude',
  'location.longitude',
  'location.country',
  'location.city',
  'location.additionalNotes',
  'price.amount',
  'price.currency',
  'price.period',
  'properties.latency',
  'properties.securityStandards',
  'properties.carbonFootprint.embodied',
  'properties.carbonFootprint.operational',
  'properties.networkAuthorizations',
  'properties.additionalProperties',
  'partitionability.cpuMin',
  'partitionability.memoryMin',
  'partitionability.podsMin',
  'partitionability.cpuStep',
  'partitionability.memoryStep',
  'partitionability.podsStep',
  'partitionability.gpuMin',
  'partitionability.gpuStep',
  'networkPropertyType',
  'gpu.model',
  'gpu.memory',
  'scan.debounceMs',
]

/** Files in deploy/agent that kustomization.yaml does not apply, on purpose. */
const NOT_APPLIED = ['secret.yaml']

interface Rule {
  apiGroups?: string[]
  resources?: string[]
  verbs?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

interface KubeDoc {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string }
  rules?: Rule[]
  [key: string]: unknown
}

type Json = Record<string, unknown>

const yamlFiles = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort()

const docsOf = (file: string): unknown[] =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]?.message}`)
    return doc.toJS()
  })

const kustomization = docsOf('kustomization.yaml')[0] as {
  namespace: string
  resources: string[]
  images: { name: string; newName: string; newTag: string }[]
  configMapGenerator: { name: string; files?: string[]; literals?: string[] }[]
}

const objects: KubeDoc[] = kustomization.resources.flatMap((file) => docsOf(file).filter(Boolean) as KubeDoc[])
const one = (kind: string, name?: string): KubeDoc => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name))
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1)
  return found[0]!
}

/** `group resource` → sorted verbs, from a role's rules; a resource granted twice is an error. */
function grants(rules: Rule[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const rule of rules) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const key = `${group} ${resource}`
        if (out[key]) throw new Error(`${key} is granted by two rules`)
        out[key] = [...(rule.verbs ?? [])].sort()
      }
    }
  }
  return out
}

const sortedVerbs = (table: Record<string, string[]>) => Object.fromEntries(Object.entries(table).map(([k, v]) => [k, [...v].sort()]))

describe('deploy/agent', () => {
  it('is valid YAML throughout, and the kustomization names files that exist and applies every manifest but the Secret template', () => {
    for (const file of yamlFiles) expect(() => docsOf(file), file).not.toThrow()
    const referenced = [...kustomization.resources, ...kustomization.configMapGenerator.flatMap((g) => g.files ?? [])]
    for (const file of referenced) expect(existsSync(join(DIR, file)), file).toBe(true)
    expect([...referenced, ...NOT_APPLIED, 'kustomization.yaml'].sort()).toEqual(yamlFiles)
    expect(kustomization.namespace).toBe('rear-agent')
    for (const object of objects) expect(object.metadata.namespace ?? 'rear-agent', `${object.kind} ${object.metadata.name}`).toBe('rear-agent')
    expect(one('Namespace').metadata.name).toBe('rear-agent')
  })

  it('runs one agent, non-root, read-only, without privilege escalation or capabilities, under its service account', () => {
    const deployment = one('Deployment', 'rear-agent') as unknown as {
      spec: { replicas: number; strategy: { type: string }; template: { spec: Json & { containers: Json[]; volumes: Json[] } } }
    }
    expect(deployment.spec.replicas).toBe(1)
    expect(deployment.spec.strategy.type).toBe('Recreate')
    const pod = deployment.spec.template.spec
    expect(pod.serviceAccountName).toBe(one('ServiceAccount').metadata.name)
    expect(pod.automountServiceAccountToken).not.toBe(false)
    expect(pod.hostNetwork ?? false).toBe(false)
    expect(pod.hostPID ?? false).toBe(false)
    const podSecurity = pod.securityContext as Json
    expect(podSecurity.runAsNonRoot).toBe(true)
    expect(podSecurity.runAsUser).toBeGreaterThan(0)
    expect(podSecurity.seccompProfile).toEqual({ type: 'RuntimeDefault' })
    expect(pod.containers).toHaveLength(1)
    const container = pod.containers[0] as Json & { env: { name: string; value?: string; valueFrom?: Json }[]; volumeMounts: Json[] }
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    })
    expect((container.securityContext as Json).privileged ?? false).toBe(false)
    expect((container.securityContext as { capabilities: Json }).capabilities.add).toBeUndefined()
    expect(container.resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { cpu: expect.any(String), memory: expect.any(String) } })

    // Options from the environment: the URL from the kustomize-generated ConfigMap, the token from the
    // Secret, the config file from the mounted ConfigMap, and no kubeconfig (in-cluster account).
    const env = Object.fromEntries(container.env.map((e) => [e.name, e]))
    expect(Object.keys(env)).not.toContain('KUBECONFIG')
    expect(env.REAR_PARTICIPANT_URL?.valueFrom).toEqual({ configMapKeyRef: { name: 'rear-agent-participant', key: 'REAR_PARTICIPANT_URL' } })
    const participant = kustomization.configMapGenerator.find((g) => g.name === 'rear-agent-participant')
    expect(participant?.literals).toEqual([expect.stringMatching(/^REAR_PARTICIPANT_URL=https:\/\//)])
    const secret = docsOf('secret.yaml')[0] as KubeDoc & { stringData: Record<string, string> }
    expect(env.REAR_AGENT_TOKEN?.valueFrom).toEqual({ secretKeyRef: { name: secret.metadata.name, key: 'REAR_AGENT_TOKEN' } })
    expect(Object.keys(secret.stringData)).toEqual(['REAR_AGENT_TOKEN'])
    const configVolume = pod.volumes.find((v) => (v.configMap as Json | undefined)?.name === 'rear-agent-config')
    expect(kustomization.configMapGenerator.find((g) => g.name === 'rear-agent-config')?.files).toEqual(['agent.yaml'])
    const mount = container.volumeMounts.find((m) => m.name === configVolume?.name)
    expect(mount).toMatchObject({ readOnly: true })
    expect(env.REAR_AGENT_CONFIG?.value).toBe(`${String(mount?.mountPath)}/agent.yaml`)
    expect(container.image).toBe(kustomization.images[0]?.name)
  })

  it('grants exactly the agent’s fixed permissions, cluster-wide to its service account, with no wildcard', () => {
    const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
    for (const rule of roles.flatMap((r) => r.rules ?? [])) {
      for (const list of [rule.apiGroups, rule.resources, rule.verbs, rule.resourceNames, rule.nonResourceURLs]) expect(list ?? []).not.toContain('*')
      expect(rule.nonResourceURLs).toBeUndefined()
    }
    const clusterRole = one('ClusterRole', 'rear-agent')
    expect(grants(clusterRole.rules ?? [])).toEqual(sortedVerbs(EXPECTED_RBAC))
    expect(roles.map((r) => `${r.kind}/${r.metadata.name}`)).toEqual(['ClusterRole/rear-agent'])
    const binding = one('ClusterRoleBinding', 'rear-agent') as unknown as { roleRef: Json; subjects: Json[] }
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'rear-agent' })
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'rear-agent', namespace: 'rear-agent' }])
  })

  it('documents the same permissions in docs/agent.md, under "## Permissions (RBAC)"', () => {
    const doc = readFileSync('docs/agent.md', 'utf8')
    const section = doc.split(/^## Permissions \(RBAC\)$/m)[1]?.split(/^## /m)[0]
    expect(section).toBeDefined()
    const documented: Record<string, string[]> = {}
    for (const line of section!.split('\n')) {
      const cells = line.split('|').map((c) => c.trim())
      const match = /^`([^`]*)`$/.exec(cells[1] ?? '')
      if (!match || !cells[2] || !cells[3] || !cells[4]) continue
      for (const resource of cells[2].replace(/`/g, '').split(/,\s*/)) documented[`${match[1] === 'core' ? '' : match[1]} ${resource}`] = cells[3].split(/,\s*/).sort()
    }
    expect(documented).toEqual(sortedVerbs(EXPECTED_RBAC))
  })

  it('ships an example agent configuration that the agent accepts, with every field', () => {
    const text = readFileSync(join(DIR, 'agent.yaml'), 'utf8')
    expect(() => parseAgentConfig(text, 'yaml')).not.toThrow()
    const paths: string[] = []
    const walk = (value: unknown, prefix: string) => {
      const leaf = prefix === 'properties.networkAuthorizations' || prefix === 'properties.additionalProperties'
      if (value && typeof value === 'object' && !Array.isArray(value) && !leaf) for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k)
      else paths.push(prefix)
    }
    walk(docsOf('agent.yaml')[0], '')
    expect(paths.sort()).toEqual([...CONFIG_FIELDS].sort())
  })

  it('builds an image that runs the bundle alone, as a numeric non-root user, in production mode', () => {
    const dockerfile = readFileSync(join(DIR, 'Dockerfile'), 'utf8')
    const stages = dockerfile.split(/^FROM /m).slice(1)
    expect(stages).toHaveLength(2)
    expect(stages[0]).toMatch(/^--platform=\$BUILDPLATFORM node:22-bookworm-slim AS build\n/)
    expect(stages[0]).toMatch(/^RUN npm ci\b/m)
    expect(stages[0]).toMatch(/^RUN npm run build:agent$/m)
    const runtime = stages[1]!
    expect(runtime).toMatch(/^(node:22-bookworm-slim|gcr\.io\/distroless\/nodejs22-debian12:nonroot)\n/)
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m)
    expect(runtime.match(/^COPY .*$/gm)).toEqual(['COPY --from=build /src/dist/agent/main.mjs /app/main.mjs'])
    expect(runtime).not.toMatch(/^RUN /m)
    expect(runtime).toMatch(/^USER [1-9][0-9]*:[1-9][0-9]*$/m)
    expect(runtime.trim().split('\n').at(-1)).toBe('ENTRYPOINT ["node", "/app/main.mjs"]')
    const runAsUser = ((one('Deployment').spec as Json).template as { spec: { securityContext: { runAsUser: number } } }).spec.securityContext.runAsUser
    expect(runtime).toContain(`USER ${runAsUser}:`)
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts['build:agent']).toBe('tsx scripts/build-agent.ts')
  })

  it('keeps dependencies, build output, SST state and git out of the Docker build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim())
    for (const entry of ['node_modules', 'dist', '.sst', '.git', 'coverage']) expect(ignored).toContain(entry)
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'agent', 'core', 'adapters', 'scripts']) expect(ignored).not.toContain(needed)
  })

  it.skipIf(!hasKubectl())('renders with kubectl kustomize: generated ConfigMaps referenced by their hashed names, the image set', () => {
    const rendered = parseAllDocuments(execFileSync('kubectl', ['kustomize', DIR], { encoding: 'utf8' })).map((d) => d.toJS() as KubeDoc)
    expect(rendered.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'ConfigMap', 'Deployment', 'Namespace', 'ServiceAccount'])
    const text = rendered.map((o) => JSON.stringify(o)).join('\n')
    for (const o of rendered.filter((x) => x.kind === 'ConfigMap')) expect(o.metadata.name).toMatch(/^rear-agent-(config|participant)-[a-z0-9]{10}$/)
    const deployment = JSON.stringify(rendered.find((o) => o.kind === 'Deployment'))
    for (const o of rendered.filter((x) => x.kind === 'ConfigMap')) expect(deployment).toContain(`"${o.metadata.name}"`)
    expect(text).toContain(`"image":"${kustomization.images[0]?.newName}:${kustomization.images[0]?.newTag}"`)
  })
})

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 5_000 })
    return true
  } catch {
    return false
  }
}
