import { apiVersionOf, RESOURCE_TYPES } from './resources.ts'

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']

const groups = (): Map<string, string[]> => {
  const byGroup = new Map<string, string[]>()
  for (const t of RESOURCE_TYPES) {
    if (t.group === '') continue
    const versions = byGroup.get(t.group) ?? []
    if (!versions.includes(t.version)) versions.push(t.version)
    byGroup.set(t.group, versions)
  }
  return byGroup
}

/** `GET /api`: the core API versions. */
export const coreVersions = () => ({ kind: 'APIVersions', apiVersion: 'v1', versions: ['v1'], serverAddressByClientCIDRs: [] })

const groupDocument = (name: string, versions: string[]) => {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }))
  return { name, versions: list, preferredVersion: list[0] }
}

/** `GET /apis`: every served API group. */
export const groupList = () => ({ kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups()].map(([name, versions]) => groupDocument(name, versions)) })

/** `GET /apis/<group>`: one group, or `undefined` when not served. */
export const groupOf = (name: string) => {
  const versions = groups().get(name)
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(name, versions) } : undefined
}

/** `GET /api/v1` or `/apis/<group>/<version>`: the resources served there, as KubernetesObjectApi reads them. */
export const resourceList = (group: string, version: string) => {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version)
  if (types.length === 0) return undefined
  const resources = types.flatMap((t) => [
    { name: t.plural, singularName: t.kind.toLowerCase(), namespaced: t.namespaced, kind: t.kind, verbs: VERBS },
    ...(t.hasStatus ? [{ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] }] : []),
  ])
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(types[0]!), resources }
}
