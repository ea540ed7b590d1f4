import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import type { LiqoFailures } from './liqo-simulator.ts'
import { base64, controllerRef, live, record, REMOTE_CLUSTER_ID, refOf, same, strings } from './liqo-objects.ts'
import type { ControllerContext, Obj, SimulatedController } from './liqo-objects.ts'

const AUTHENTICATION = 'authentication.liqo.io/v1beta1'
const NETWORKING = 'networking.liqo.io/v1beta1'
const IPAM = 'ipam.liqo.io/v1alpha1'
const LIQO_NAMESPACE = 'liqo'
const NONCE_LABEL = 'liqo.io/nonce'
const SIGNED_NONCE_LABEL = 'liqo.io/signed-nonce'

/** Where a Secret's Ed25519 key pair lives, as Liqo keeps its cluster's authentication keys (PEM, base64 in `data`). */
export const LIQO_AUTHENTICATION_KEYS = { namespace: LIQO_NAMESPACE, name: 'authentication-keys' } as const

/** The gateway port Liqo's GatewayServer listens on when `spec.endpoint.port` is left out. */
export const LIQO_DEFAULT_GATEWAY_PORT = 51840

/** The resolved settings the peering controllers use; simulateLiqo fills in the defaults. */
export interface PeeringSettings {
  clusterId: string
  podCidr: string
  externalCidr: string
  gatewayAddress: string
  apiServerUrl: string
  fail: LiqoFailures
}

const pem = (label: string, text: string) => `-----BEGIN ${label}-----\n${base64(text)}\n-----END ${label}-----\n`
const secretData = (secret: Obj | undefined): Record<string, string> => strings(secret?.['data'])
const decode = (data: string): Buffer => Buffer.from(data, 'base64')

const ensure = (context: ControllerContext, object: Obj) => {
  if (!context.store.get(refOf(object))) context.store.apply(object)
}

/** Creates the objects a Liqo installation has before any peering (namespace, cluster ID, keys, IPAM networks), leaving existing ones alone. */
export const seedClusterFacts = (context: ControllerContext, settings: PeeringSettings): void => {
  ensure(context, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: LIQO_NAMESPACE } })
  ensure(context, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'liqo-clusterid-configmap', namespace: LIQO_NAMESPACE },
    data: { CLUSTER_ID: settings.clusterId },
  })
  if (!context.read('v1', 'Secret', LIQO_NAMESPACE, LIQO_AUTHENTICATION_KEYS.name)) {
    const keys = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    context.store.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { ...LIQO_AUTHENTICATION_KEYS },
      type: 'Opaque',
      data: { privateKey: base64(keys.privateKey), publicKey: base64(keys.publicKey) },
    })
  }
  for (const [name, cidr] of [
    ['pod-cidr', settings.podCidr],
    ['external-cidr', settings.externalCidr],
  ] as const)
    ensure(context, {
      apiVersion: IPAM,
      kind: 'Network',
      metadata: { name, namespace: LIQO_NAMESPACE, labels: { 'ipam.liqo.io/network-type': name } },
      spec: { cidr },
      status: { cidr },
    })
}

/** Liqo's networking controllers as the peering sees them: Configuration CIDRs, gateway endpoints and keys, Connections. */
export const networkingController = (context: ControllerContext, settings: PeeringSettings): SimulatedController => {
  const { store, read, later } = context
  const { fail } = settings

  const reconcileConfiguration = (namespace: string, name: string) => {
    const configuration = live(read(NETWORKING, 'Configuration', namespace, name))
    if (!configuration) return
    const cidr = record(record(configuration.spec?.['remote'])['cidr'])
    const pod = cidr['pod']
    const external = cidr['external']
    if (!Array.isArray(pod) || pod.length === 0 || !Array.isArray(external) || external.length === 0) return
    const remote = { cidr: { pod, external } }
    const conditions = [{ type: 'NetworkCIDRsConfigured', status: 'True', reason: 'NetworkCIDRsConfigured', message: 'The remote network CIDRs are configured' }]
    if (same(configuration.status?.['remote'], remote) && same(configuration.status?.['conditions'], conditions)) return
    store.patchStatus(refOf(configuration), { remote, conditions })
  }

  const secretNameOf = (kind: string, name: string) => `gateway-${kind === 'GatewayServer' ? 'server' : 'client'}-${name}`

  const reconcileGateway = (kind: 'GatewayServer' | 'GatewayClient', namespace: string, name: string) => {
    const gateway = live(read(NETWORKING, kind, namespace, name))
    if (!gateway || fail[kind]) return
    const secretName = secretNameOf(kind, name)
    if (!read('v1', 'Secret', namespace, secretName))
      store.apply({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: secretName, namespace, labels: { [REMOTE_CLUSTER_ID]: name }, ownerReferences: [controllerRef(gateway)] },
        type: 'Opaque',
        data: { publicKey: base64(base64(randomBytes(32))) },
      })
    const port = record(gateway.spec?.['endpoint'])['port']
    const status = {
      ...(kind === 'GatewayServer'
        ? { endpoint: { addresses: [settings.gatewayAddress], port: typeof port === 'number' ? port : LIQO_DEFAULT_GATEWAY_PORT, protocol: 'UDP' } }
        : {}),
      secretRef: { name: secretName, namespace },
    }
    if (Object.entries(status).every(([key, value]) => same(gateway.status?.[key], value))) return
    store.patchStatus(refOf(gateway), status)
  }

  const reconcileConnection = (namespace: string, name: string) => {
    const gateway = [live(read(NETWORKING, 'GatewayServer', namespace, name)), live(read(NETWORKING, 'GatewayClient', namespace, name))].find(
      (g) => g && record(g.status?.['secretRef'])['name'],
    )
    const publicKey = live(read(NETWORKING, 'PublicKey', namespace, name))
    const ref = { apiVersion: NETWORKING, kind: 'Connection', namespace, name }
    if (!gateway || !publicKey) return void store.delete(ref)
    const existing = read(NETWORKING, 'Connection', namespace, name)
    const labels = { ...(existing?.metadata.labels ?? {}), [REMOTE_CLUSTER_ID]: name }
    const spec = {
      type: gateway.kind === 'GatewayServer' ? 'Server' : 'Client',
      gatewayRef: { apiVersion: NETWORKING, kind: gateway.kind, name, namespace, uid: gateway.metadata['uid'] },
    }
    const status = { value: fail.Connection ? 'Connecting' : 'Connected' }
    if (existing && same(existing.metadata.labels, labels) && same(existing.spec, spec) && same(existing.status, status)) return
    store.apply({ apiVersion: NETWORKING, kind: 'Connection', metadata: { ...(existing?.metadata ?? {}), name, namespace, labels }, spec, status })
  }

  const react = (object: Obj, deleted: boolean) => {
    if (object.apiVersion !== NETWORKING) return
    const namespace = object.metadata.namespace ?? ''
    const name = object.metadata.name ?? ''
    const kind = object.kind
    if (kind === 'Configuration' && !deleted) later(`Configuration/${namespace}/${name}`, () => reconcileConfiguration(namespace, name))
    if (kind === 'GatewayServer' || kind === 'GatewayClient') {
      if (deleted) store.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name: secretNameOf(kind, name) })
      else later(`${kind}/${namespace}/${name}`, () => reconcileGateway(kind, namespace, name))
    }
    if (kind === 'GatewayServer' || kind === 'GatewayClient' || kind === 'PublicKey') later(`Connection/${namespace}/${name}`, () => reconcileConnection(namespace, name))
  }

  return {
    react,
    resync: () => {
      for (const kind of ['Configuration', 'GatewayServer', 'GatewayClient', 'PublicKey']) for (const o of store.list(NETWORKING, kind)) react(o, false)
    },
  }
}

/** Liqo's authentication controllers as the peering sees them: nonce, signed nonce, Tenant on the provider, Identity on the consumer. */
export const authenticationController = (context: ControllerContext, settings: PeeringSettings): SimulatedController => {
  const { store, read, later } = context
  const { fail } = settings

  const reconcileNonce = (namespace: string, name: string) => {
    const secret = live(read('v1', 'Secret', namespace, name))
    if (!secret || fail.Nonce) return
    const data = secretData(secret)
    const labels = secret.metadata.labels ?? {}
    if (labels[NONCE_LABEL] === 'true' && !data['nonce']) store.apply({ ...secret, data: { ...data, nonce: base64(base64(randomBytes(64))) } })
    if (labels[SIGNED_NONCE_LABEL] === 'true' && data['nonce'] && !data['signedNonce']) {
      const keys = secretData(read('v1', 'Secret', LIQO_AUTHENTICATION_KEYS.namespace, LIQO_AUTHENTICATION_KEYS.name))
      if (!keys['privateKey']) return
      const signature = sign(null, decode(data['nonce']), createPrivateKey(decode(keys['privateKey']).toString()))
      store.apply({ ...secret, data: { ...data, signedNonce: base64(signature) } })
    }
  }

  const reconcileTenant = (namespace: string, name: string) => {
    const tenant = live(read(AUTHENTICATION, 'Tenant', namespace, name))
    if (!tenant || fail.Tenant) return
    const spec = tenant.spec ?? {}
    if (!spec['clusterID'] || !spec['publicKey'] || !spec['signature']) return
    const consumer = String(spec['clusterID'])
    const status = {
      tenantNamespace: namespace,
      authParams: {
        ca: base64(pem('CERTIFICATE', `fake-kube CA of ${settings.clusterId}`)),
        signedCRT: base64(pem('CERTIFICATE', `fake-kube certificate of ${consumer}, signed by ${settings.clusterId}`)),
        apiServer: settings.apiServerUrl,
      },
    }
    if (same(tenant.status?.['tenantNamespace'], status.tenantNamespace) && same(tenant.status?.['authParams'], status.authParams)) return
    store.patchStatus(refOf(tenant), status)
  }

  const reconcileIdentity = (namespace: string, name: string) => {
    const identity = live(read(AUTHENTICATION, 'Identity', namespace, name))
    if (!identity || fail.Identity) return
    const authParams = record(identity.spec?.['authParams'])
    if (Object.keys(authParams).length === 0) return
    const secretName = `kubeconfig-${name}`
    const provider = String(identity.spec?.['clusterID'] ?? name.replace(/^controlplane-/, ''))
    const keys = secretData(read('v1', 'Secret', LIQO_AUTHENTICATION_KEYS.namespace, LIQO_AUTHENTICATION_KEYS.name))
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: provider, cluster: { server: authParams['apiServer'], 'certificate-authority-data': authParams['ca'] } }],
      users: [{ name: `liqo-${settings.clusterId}`, user: { 'client-certificate-data': authParams['signedCRT'], 'client-key-data': keys['privateKey'] } }],
      contexts: [{ name: provider, context: { cluster: provider, user: `liqo-${settings.clusterId}` } }],
      'current-context': provider,
    }
    const secret: Obj = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName, namespace, labels: { [REMOTE_CLUSTER_ID]: provider }, ownerReferences: [controllerRef(identity)] },
      type: 'Opaque',
      data: { kubeconfig: base64(JSON.stringify(kubeconfig)) },
    }
    const existing = read('v1', 'Secret', namespace, secretName)
    if (!existing || !same(existing['data'], secret['data'])) store.apply({ ...secret, metadata: { ...(existing?.metadata ?? {}), ...secret.metadata } })
    const kubeconfigSecretRef = { name: secretName }
    if (!same(identity.status?.['kubeconfigSecretRef'], kubeconfigSecretRef)) store.patchStatus(refOf(identity), { kubeconfigSecretRef })
  }

  const react = (object: Obj, deleted: boolean) => {
    const namespace = object.metadata.namespace ?? ''
    const name = object.metadata.name ?? ''
    const key = `${object.kind}/${namespace}/${name}`
    const labels = object.metadata.labels ?? {}
    if (object.apiVersion === 'v1' && object.kind === 'Secret' && !deleted && (labels[NONCE_LABEL] === 'true' || labels[SIGNED_NONCE_LABEL] === 'true'))
      later(key, () => reconcileNonce(namespace, name))
    else if (object.apiVersion === AUTHENTICATION && object.kind === 'Tenant' && !deleted) later(key, () => reconcileTenant(namespace, name))
    else if (object.apiVersion === AUTHENTICATION && object.kind === 'Identity') {
      if (deleted) store.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name: `kubeconfig-${name}` })
      else later(key, () => reconcileIdentity(namespace, name))
    }
  }

  return {
    react,
    resync: () => {
      for (const o of store.list('v1', 'Secret')) react(o, false)
      for (const kind of ['Tenant', 'Identity']) for (const o of store.list(AUTHENTICATION, kind)) react(o, false)
    },
  }
}
