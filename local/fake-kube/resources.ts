/** One kind the fake API server serves: the single table discovery, routing and the store all read. */
export interface ResourceType {
  group: string
  version: string
  kind: string
  plural: string
  namespaced: boolean
  /** Has a `status` subresource: main-resource writes keep status, `/status` writes change only status. */
  hasStatus: boolean
  /** A custom resource: strategic merge patch is refused with 415, as kube-apiserver does. */
  custom: boolean
  /** Status given on create is kept (Nodes), otherwise it is dropped as kube-apiserver does. */
  statusOnCreate?: boolean
}

const core = (kind: string, plural: string, namespaced: boolean, hasStatus: boolean, statusOnCreate = false): ResourceType => ({
  group: '',
  version: 'v1',
  kind,
  plural,
  namespaced,
  hasStatus,
  custom: false,
  statusOnCreate,
})

const liqo = (group: string, kind: string, plural: string, namespaced = true, version = 'v1beta1'): ResourceType => ({
  group,
  version,
  kind,
  plural,
  namespaced,
  hasStatus: true,
  custom: true,
})

/** A namespaced built-in kind outside the core group, with a status subresource (Deployments). */
const builtin = (group: string, version: string, kind: string, plural: string): ResourceType => ({
  group,
  version,
  kind,
  plural,
  namespaced: true,
  hasStatus: true,
  custom: false,
})

/** Core and `apps` kinds the agent reads and writes, the Liqo v1 CRDs (reference next-capabilities §1.1) and Liqo's IPAM Networks. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  core('Node', 'nodes', false, true, true),
  core('Pod', 'pods', true, true),
  core('Namespace', 'namespaces', false, true, true),
  core('Secret', 'secrets', true, false),
  core('ConfigMap', 'configmaps', true, false),
  core('Service', 'services', true, true),
  builtin('apps', 'v1', 'Deployment', 'deployments'),
  liqo('core.liqo.io', 'ForeignCluster', 'foreignclusters', false),
  liqo('authentication.liqo.io', 'Tenant', 'tenants'),
  liqo('authentication.liqo.io', 'Identity', 'identities'),
  liqo('authentication.liqo.io', 'ResourceSlice', 'resourceslices'),
  liqo('offloading.liqo.io', 'VirtualNode', 'virtualnodes'),
  liqo('offloading.liqo.io', 'Quota', 'quotas'),
  liqo('offloading.liqo.io', 'NamespaceOffloading', 'namespaceoffloadings'),
  liqo('networking.liqo.io', 'Configuration', 'configurations'),
  liqo('networking.liqo.io', 'GatewayServer', 'gatewayservers'),
  liqo('networking.liqo.io', 'GatewayClient', 'gatewayclients'),
  liqo('networking.liqo.io', 'PublicKey', 'publickeies'),
  liqo('networking.liqo.io', 'Connection', 'connections'),
  liqo('ipam.liqo.io', 'Network', 'networks', true, 'v1alpha1'),
]

/** `v1` for core kinds, `group/version` otherwise, as objects carry it. */
export const apiVersionOf = (type: ResourceType): string => (type.group === '' ? type.version : `${type.group}/${type.version}`)

/** Finds the type served at a group, version and plural, as a URL names it. */
export const typeByPlural = (group: string, version: string, plural: string): ResourceType | undefined =>
  RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural)

/** Finds the type of an object from its `apiVersion` and `kind`, as in-process callers name it. */
export const typeByKind = (apiVersion: string, kind: string): ResourceType | undefined =>
  RESOURCE_TYPES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind)
