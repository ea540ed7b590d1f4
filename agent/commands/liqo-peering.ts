import * as z from 'zod'
import type { ClusterRole, PeeringData, PeeringStep, SliceResources } from '../../core/cluster/cluster-commands.ts'
import type { ClusterObjects, KubeObject, ObjectRef } from '../kube/cluster-objects.ts'
import { forgeTenant } from './tenant.ts'

const NETWORKING = 'networking.liqo.io/v1beta1'
const AUTHENTICATION = 'authentication.liqo.io/v1beta1'
const OFFLOADING = 'offloading.liqo.io/v1beta1'
const IPAM = 'ipam.liqo.io/v1alpha1'
export const REMOTE_CLUSTER_ID = 'liqo.io/remote-cluster-id'
/** Chains whose contracts use this tenant namespace's peering; the peering goes with the last of them. */
export const CHAINS_ANNOTATION = 'rear.fluidos.eu/chains'
/** Peering steps this side already handed over for a chain, so a redelivered command does not send them again. */
const SENT_ANNOTATION = 'rear.fluidos.eu/sent-steps'
export const CHAIN_LABEL = 'rear.fluidos.eu/chain'
const GATEWAY_PORT = 51840
const GATEWAY_MTU = 1340

export const tenantNamespace = (remoteClusterId: string) => `liqo-tenant-${remoteClusterId}`

/** The contract's ResourceSlice, VirtualNode and Node name: a DNS label derived from the chain id. */
export const sliceName = (chainId: string) => `rear-${chainId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63).replace(/-+$/, '')

const contractConfigMap = (chainId: string, remoteClusterId: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: tenantNamespace(remoteClusterId), name: sliceName(chainId) })

const text = z.string().min(1).max(8192)
const cidrs = z.strictObject({ pod: z.array(z.string().max(64)).min(1).max(16), external: z.array(z.string().max(64)).min(1).max(16) })

/** The public data of each step, as the other agent must send it: checked before anything is applied. */
export const PEERING_DATA = {
  'provider-hello': z.strictObject({
    clusterId: text,
    cidrs,
    gateway: z.strictObject({ addresses: z.array(z.string().max(255)).min(1).max(8), port: z.number().int().min(1).max(65535), protocol: z.string().max(8).optional() }),
    publicKey: text,
    nonce: text,
  }),
  'consumer-tenant': z.strictObject({ clusterId: text, cidrs, publicKey: text, tenant: z.record(z.string(), z.unknown()) }),
  'provider-identity': z.strictObject({ clusterId: text, authParams: z.record(z.string(), z.unknown()), tenantNamespace: text }),
} as const

/** What a peering step did, for the command's result and the participant. */
export interface StepOutcome {
  detail: string
  /** Set once this side is ready (the participant marks the allocation active). */
  ready?: boolean
}

/** The participant's side of the peering: hand a step over, and say when this side is ready. */
export interface PeeringParticipant {
  sendPeering(chainId: string, step: PeeringStep, data: PeeringData): Promise<void>
  reportPeering(chainId: string, status: 'active' | 'error', detail?: string): Promise<void>
}

const decodeBase64 = (value: unknown) => (typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : undefined)
const toBase64 = (value: string) => Buffer.from(value, 'utf8').toString('base64')
type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown>; data?: Record<string, string> }
const conditionOf = (object: Obj, type: string) =>
  (Array.isArray(object.status?.conditions) ? (object.status.conditions as Array<Record<string, unknown>>) : []).find((c) => c.type === type)?.status

/**
 * Liqo v1 declarative peering, one side at a time (reference §12, next-capabilities §1.4): each agent
 * applies objects only on its own cluster, and the public data between them travels over the chain.
 * No kubeconfig leaves a cluster, unlike the Go node's (bug 24). Each method is idempotent: applying
 * twice changes nothing, and a step already handed over is not sent again.
 */
export class LiqoPeering {
  constructor(
    private readonly kube: ClusterObjects,
    private readonly participant: PeeringParticipant,
  ) {}

  async localClusterId(): Promise<string> {
    const configMap = await this.kube.waitFor<Obj>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'liqo', name: 'liqo-clusterid-configmap' }, 'Liqo cluster id', (o) => Boolean(o.data?.CLUSTER_ID))
    return configMap.data!.CLUSTER_ID!
  }

  private async localCidrs(): Promise<{ pod: string[]; external: string[] }> {
    const read = async (name: string) => {
      const network = await this.kube.waitFor<Obj>({ apiVersion: IPAM, kind: 'Network', namespace: 'liqo', name }, `Liqo network ${name}`, (o) => typeof o.status?.cidr === 'string')
      return [String(network.status!.cidr)]
    }
    return { pod: await read('pod-cidr'), external: await read('external-cidr') }
  }

  /** The tenant namespace, with this chain added to the chains its peering serves. */
  private async joinTenant(remote: string, chainId: string): Promise<Obj> {
    const ref: ObjectRef = { apiVersion: 'v1', kind: 'Namespace', name: tenantNamespace(remote) }
    const existing = await this.kube.get<Obj>(ref)
    const chains = new Set((existing?.metadata.annotations?.[CHAINS_ANNOTATION] ?? '').split(',').filter(Boolean))
    chains.add(chainId)
    return this.kube.ensure<Obj>({
      ...ref,
      metadata: { name: ref.name, labels: { [REMOTE_CLUSTER_ID]: remote, 'liqo.io/tenant-namespace': 'true' }, annotations: { [CHAINS_ANNOTATION]: [...chains].sort().join(',') } },
    })
  }

  /** Sends a step unless this chain's record says it went already. */
  private async handOver(chainId: string, remote: string, step: PeeringStep, data: PeeringData): Promise<void> {
    const ref = contractConfigMap(chainId, remote)
    const record = await this.kube.get<Obj>(ref)
    const sent = (record?.metadata.annotations?.[SENT_ANNOTATION] ?? '').split(',').filter(Boolean)
    if (sent.includes(step)) return
    await this.participant.sendPeering(chainId, step, data)
    await this.kube.ensure<Obj>({ ...ref, metadata: { name: ref.name, namespace: ref.namespace!, labels: { [CHAIN_LABEL]: ref.name }, annotations: { [SENT_ANNOTATION]: [...sent, step].join(',') } } })
  }

  private configuration(remote: string, remoteCidrs: { pod: string[]; external: string[] }): Promise<Obj> {
    const namespace = tenantNamespace(remote)
    return this.kube.ensure<Obj>({
      apiVersion: NETWORKING,
      kind: 'Configuration',
      metadata: { name: remote, namespace, labels: { [REMOTE_CLUSTER_ID]: remote } },
      spec: { remote: { cidr: remoteCidrs } },
    })
  }

  private async configured(remote: string) {
    await this.kube.waitFor<Obj>({ apiVersion: NETWORKING, kind: 'Configuration', namespace: tenantNamespace(remote), name: remote }, 'network Configuration', (o) =>
      Array.isArray((o.status?.remote as { cidr?: { pod?: unknown[] } } | undefined)?.cidr?.pod),
    )
  }

  private async gatewayKey(gateway: Obj): Promise<string> {
    const secretRef = gateway.status!.secretRef as { name: string; namespace?: string }
    const secret = await this.kube.waitFor<Obj>(
      { apiVersion: 'v1', kind: 'Secret', namespace: secretRef.namespace ?? gateway.metadata.namespace!, name: secretRef.name },
      'gateway key',
      (o) => Boolean(o.data?.publicKey),
    )
    return decodeBase64(secret.data!.publicKey)!
  }

  private publicKey(remote: string, key: string): Promise<Obj> {
    return this.kube.ensure<Obj>({
      apiVersion: NETWORKING,
      kind: 'PublicKey',
      metadata: { name: remote, namespace: tenantNamespace(remote), labels: { [REMOTE_CLUSTER_ID]: remote } },
      spec: { publicKey: toBase64(key) },
    })
  }

  private async connected(remote: string) {
    await this.kube.waitFor<Obj>({ apiVersion: NETWORKING, kind: 'Connection', namespace: tenantNamespace(remote), name: remote }, 'gateway Connection', (o) => o.status?.value === 'Connected')
  }

  private async secretValue(ref: ObjectRef, key: string, what: string): Promise<string> {
    const secret = await this.kube.waitFor<Obj>(ref, what, (o) => Boolean(o.data?.[key]))
    return decodeBase64(secret.data![key])!
  }

  /**
   * The provider's virtual router: its GatewayServer for the consumer, then its nonce; both go to the
   * consumer in `provider-hello` with this cluster's CIDRs.
   */
  async providerRouter(chainId: string, consumer: string): Promise<StepOutcome> {
    const self = await this.localClusterId()
    const namespace = tenantNamespace(consumer)
    await this.joinTenant(consumer, chainId)
    await this.kube.ensure<Obj>({
      apiVersion: NETWORKING,
      kind: 'GatewayServer',
      metadata: { name: consumer, namespace, labels: { [REMOTE_CLUSTER_ID]: consumer } },
      spec: { endpoint: { port: GATEWAY_PORT, serviceType: 'NodePort' }, mtu: GATEWAY_MTU },
    })
    const server = await this.kube.waitFor<Obj>({ apiVersion: NETWORKING, kind: 'GatewayServer', namespace, name: consumer }, 'GatewayServer', (o) => {
      const endpoint = o.status?.endpoint as { addresses?: unknown[] } | undefined
      return Boolean(endpoint?.addresses?.length && o.status?.secretRef)
    })
    const nonceRef: ObjectRef = { apiVersion: 'v1', kind: 'Secret', namespace, name: 'liqo-nonce' }
    await this.kube.ensure<Obj>({ ...nonceRef, metadata: { name: 'liqo-nonce', namespace, labels: { 'liqo.io/nonce': 'true', [REMOTE_CLUSTER_ID]: consumer } } })
    const nonce = await this.secretValue(nonceRef, 'nonce', 'nonce')
    const endpoint = server.status!.endpoint as { addresses: string[]; port: number; protocol?: string }
    await this.handOver(chainId, consumer, 'provider-hello', {
      clusterId: self,
      cidrs: await this.localCidrs(),
      gateway: { addresses: endpoint.addresses, port: endpoint.port, ...(endpoint.protocol ? { protocol: endpoint.protocol } : {}) },
      publicKey: await this.gatewayKey(server),
      nonce,
    })
    return { detail: `GatewayServer ${namespace}/${consumer} at ${endpoint.addresses.join(',')}:${endpoint.port}; provider-hello sent` }
  }

  /** The consumer's virtual router waits for the provider's endpoint: it prepares the tenant namespace and remembers the contract's size. */
  async consumerRouter(chainId: string, provider: string, resources: SliceResources | undefined): Promise<StepOutcome> {
    await this.joinTenant(provider, chainId)
    const ref = contractConfigMap(chainId, provider)
    await this.kube.ensure<Obj>({ ...ref, metadata: { name: ref.name, namespace: ref.namespace!, labels: { [CHAIN_LABEL]: ref.name } }, data: { chainId, resources: JSON.stringify(resources ?? {}) } })
    return { detail: `tenant namespace ${tenantNamespace(provider)} ready; waiting for the provider's gateway` }
  }

  /** Runs one step received from the other end. */
  async receive(chainId: string, role: ClusterRole, remote: string, step: PeeringStep, data: PeeringData): Promise<StepOutcome> {
    if (step === 'provider-hello' && role === 'consumer') return this.consumerOnHello(chainId, remote, PEERING_DATA[step].parse(data))
    if (step === 'consumer-tenant' && role === 'provider') return this.providerOnTenant(chainId, remote, PEERING_DATA[step].parse(data))
    if (step === 'provider-identity' && role === 'consumer') return this.consumerOnIdentity(chainId, remote, PEERING_DATA[step].parse(data))
    throw new PeeringRefused(`a ${role} does not take ${step}`)
  }

  /** Gateway client, the provider's key, the signed nonce; then the Tenant goes to the provider. */
  private async consumerOnHello(chainId: string, provider: string, hello: z.output<(typeof PEERING_DATA)['provider-hello']>): Promise<StepOutcome> {
    if (hello.clusterId !== provider) throw new PeeringRefused(`provider-hello from ${hello.clusterId}, expected ${provider}`)
    const self = await this.localClusterId()
    const namespace = tenantNamespace(provider)
    await this.joinTenant(provider, chainId)
    await this.configuration(provider, hello.cidrs)
    await this.configured(provider)
    await this.kube.ensure<Obj>({
      apiVersion: NETWORKING,
      kind: 'GatewayClient',
      metadata: { name: provider, namespace, labels: { [REMOTE_CLUSTER_ID]: provider } },
      spec: { endpoint: hello.gateway, mtu: GATEWAY_MTU },
    })
    const client = await this.kube.waitFor<Obj>({ apiVersion: NETWORKING, kind: 'GatewayClient', namespace, name: provider }, 'GatewayClient', (o) => Boolean(o.status?.secretRef))
    await this.publicKey(provider, hello.publicKey)
    const signedRef: ObjectRef = { apiVersion: 'v1', kind: 'Secret', namespace, name: 'liqo-signed-nonce' }
    await this.kube.ensure<Obj>({
      ...signedRef,
      metadata: { name: 'liqo-signed-nonce', namespace, labels: { 'liqo.io/signed-nonce': 'true', [REMOTE_CLUSTER_ID]: provider } },
      data: { nonce: toBase64(hello.nonce) },
    })
    const signed = await this.kube.waitFor<Obj>(signedRef, 'signed nonce', (o) => Boolean(o.data?.signedNonce))
    const keys = await this.kube.get<Obj>({ apiVersion: 'v1', kind: 'Secret', namespace: 'liqo', name: 'authentication-keys' })
    const publicKeyPem = decodeBase64(keys?.data?.publicKey)
    const privateKeyPem = decodeBase64(keys?.data?.privateKey)
    if (!publicKeyPem || !privateKeyPem) throw new Error('the Liqo authentication-keys Secret has no publicKey or privateKey')
    // The signature is bytes: taken from the Secret's base64 as is, not through text.
    const signature = Buffer.from(signed.data!.signedNonce!, 'base64')
    await this.handOver(chainId, provider, 'consumer-tenant', {
      clusterId: self,
      cidrs: await this.localCidrs(),
      publicKey: await this.gatewayKey(client),
      tenant: forgeTenant({ clusterId: self, privateKeyPem, publicKeyPem, signature }),
    })
    return { detail: `GatewayClient to ${hello.gateway.addresses.join(',')}:${hello.gateway.port}; consumer-tenant sent` }
  }

  /** Configuration and key for the consumer, its Tenant; once connected this side is ready (seed 34–35), then the Identity goes back (36). */
  private async providerOnTenant(chainId: string, consumer: string, tenant: z.output<(typeof PEERING_DATA)['consumer-tenant']>): Promise<StepOutcome> {
    if (tenant.clusterId !== consumer) throw new PeeringRefused(`consumer-tenant from ${tenant.clusterId}, expected ${consumer}`)
    const self = await this.localClusterId()
    const namespace = tenantNamespace(consumer)
    await this.joinTenant(consumer, chainId)
    await this.configuration(consumer, tenant.cidrs)
    await this.configured(consumer)
    await this.publicKey(consumer, tenant.publicKey)
    await this.kube.ensure<Obj>({
      apiVersion: AUTHENTICATION,
      kind: 'Tenant',
      metadata: { name: consumer, namespace, labels: { [REMOTE_CLUSTER_ID]: consumer } },
      spec: { ...tenant.tenant, clusterID: consumer },
    })
    const ready = await this.kube.waitFor<Obj>({ apiVersion: AUTHENTICATION, kind: 'Tenant', namespace, name: consumer }, 'Tenant', (o) => Boolean(o.status?.authParams && o.status?.tenantNamespace))
    await this.connected(consumer)
    const detail = `Tenant ${namespace}/${consumer} accepted and gateway connected`
    await this.participant.reportPeering(chainId, 'active', detail)
    await this.handOver(chainId, consumer, 'provider-identity', { clusterId: self, authParams: ready.status!.authParams as Record<string, unknown>, tenantNamespace: String(ready.status!.tenantNamespace) })
    return { detail: `${detail}; provider-identity sent` }
  }

  /** The control-plane Identity, the connection, then the contract's ResourceSlice and its virtual node. */
  private async consumerOnIdentity(chainId: string, provider: string, identity: z.output<(typeof PEERING_DATA)['provider-identity']>): Promise<StepOutcome> {
    if (identity.clusterId !== provider) throw new PeeringRefused(`provider-identity from ${identity.clusterId}, expected ${provider}`)
    const self = await this.localClusterId()
    const namespace = tenantNamespace(provider)
    const name = `controlplane-${provider}`
    await this.kube.ensure<Obj>({
      apiVersion: AUTHENTICATION,
      kind: 'Identity',
      metadata: { name, namespace, labels: { [REMOTE_CLUSTER_ID]: provider } },
      spec: { clusterID: provider, type: 'ControlPlane', authParams: identity.authParams, namespace: identity.tenantNamespace },
    })
    await this.kube.waitFor<Obj>({ apiVersion: AUTHENTICATION, kind: 'Identity', namespace, name }, 'control-plane Identity', (o) => Boolean((o.status?.kubeconfigSecretRef as { name?: string } | undefined)?.name))
    await this.connected(provider)
    const record = await this.kube.get<Obj>(contractConfigMap(chainId, provider))
    const resources = JSON.parse(record?.data?.resources ?? '{}') as SliceResources
    const slice = sliceName(chainId)
    await this.kube.ensure<Obj>({
      apiVersion: AUTHENTICATION,
      kind: 'ResourceSlice',
      metadata: {
        name: slice,
        namespace,
        labels: { 'liqo.io/replication': 'true', 'liqo.io/remoteID': provider, [REMOTE_CLUSTER_ID]: provider, [CHAIN_LABEL]: slice },
        annotations: { 'liqo.io/create-virtual-node': 'true' },
      },
      spec: { class: 'default', consumerClusterID: self, providerClusterID: provider, resources },
    })
    await this.kube.waitFor<Obj>({ apiVersion: AUTHENTICATION, kind: 'ResourceSlice', namespace, name: slice }, 'ResourceSlice', (o) => {
      if (conditionOf(o, 'Authentication') === 'Denied' || conditionOf(o, 'Resources') === 'Denied') throw new PeeringRefused(`ResourceSlice ${slice} was denied by the provider`)
      return conditionOf(o, 'Authentication') === 'Accepted' && conditionOf(o, 'Resources') === 'Accepted'
    })
    await this.kube.waitFor<Obj>({ apiVersion: OFFLOADING, kind: 'VirtualNode', namespace, name: slice }, 'VirtualNode', (o) => conditionOf(o, 'VirtualKubelet') === 'Running')
    await this.kube.waitFor<Obj>({ apiVersion: 'v1', kind: 'Node', name: slice }, 'virtual Node', (o) => conditionOf(o, 'Ready') === 'True')
    return { detail: `virtual node ${slice} Ready`, ready: true }
  }

  /**
   * Removes what this chain's contract alone needed (its ResourceSlice, hence its VirtualNode and Node),
   * and the pair's peering with the last contract that used it. Twice is the same as once.
   */
  async tearDown(chainId: string, role: ClusterRole, remote: string): Promise<StepOutcome> {
    const namespace = tenantNamespace(remote)
    const removed: string[] = []
    if (role === 'consumer' && (await this.kube.remove({ apiVersion: AUTHENTICATION, kind: 'ResourceSlice', namespace, name: sliceName(chainId) }))) removed.push('ResourceSlice')
    await this.kube.remove(contractConfigMap(chainId, remote))
    const ns = await this.kube.get<Obj>({ apiVersion: 'v1', kind: 'Namespace', name: namespace })
    if (!ns) return { detail: removed.length ? `removed ${removed.join(', ')}` : 'nothing left to remove' }
    const chains = (ns.metadata.annotations?.[CHAINS_ANNOTATION] ?? '').split(',').filter((c) => c && c !== chainId)
    if (chains.length > 0) {
      await this.kube.merge<Obj>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, annotations: { [CHAINS_ANNOTATION]: chains.join(',') } } })
      return { detail: `removed ${removed.join(', ') || 'nothing'}; peering with ${remote} kept for ${chains.length} other contract(s)` }
    }
    const shared: ObjectRef[] =
      role === 'consumer'
        ? [
            { apiVersion: AUTHENTICATION, kind: 'Identity', namespace, name: `controlplane-${remote}` },
            { apiVersion: NETWORKING, kind: 'GatewayClient', namespace, name: remote },
            { apiVersion: 'v1', kind: 'Secret', namespace, name: 'liqo-signed-nonce' },
          ]
        : [
            { apiVersion: AUTHENTICATION, kind: 'Tenant', namespace, name: remote },
            { apiVersion: NETWORKING, kind: 'GatewayServer', namespace, name: remote },
            { apiVersion: 'v1', kind: 'Secret', namespace, name: 'liqo-nonce' },
          ]
    shared.push({ apiVersion: NETWORKING, kind: 'PublicKey', namespace, name: remote }, { apiVersion: NETWORKING, kind: 'Configuration', namespace, name: remote })
    for (const ref of shared) if (await this.kube.remove(ref)) removed.push(ref.kind)
    await this.kube.remove({ apiVersion: 'v1', kind: 'Namespace', name: namespace })
    return { detail: `removed ${[...removed, 'tenant namespace'].join(', ')}: no contract with ${remote} is left` }
  }
}

/** A step that can never succeed (wrong side, wrong cluster, denied): the command fails for good. */
export class PeeringRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PeeringRefused'
  }
}
