import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'
import { CertificationRequest } from '@peculiar/asn1-csr'
import { AsnConvert } from '@peculiar/asn1-schema'
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

const ED25519 = '1.3.101.112'
const COMMON_NAME = '2.5.4.3'
const ORGANIZATION = '2.5.4.10'

/** A raw 32-byte Ed25519 public key, as Go's `ed25519.PublicKey(tenant.Spec.PublicKey)` takes it; `undefined` for any other length. */
const ed25519Key = (raw: Buffer) => (raw.length === 32 ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' }) : undefined)

/** The values of one attribute in a CSR's subject, in order. */
const subjectValues = (csr: CertificationRequest, type: string) =>
  csr.certificationRequestInfo.subject.flatMap((rdn) => rdn.filter((attribute) => attribute.type === type).map((attribute) => attribute.value.toString()))

/**
 * What Liqo's `CheckCSRForControlPlane` checks of a Tenant's CSR (one PEM block, CN = the consumer's cluster id as Go's
 * `pkix.Name` reads it, first O = liqo.io, an Ed25519 key equal to `spec.publicKey`), plus its self-signature, which the
 * kube-apiserver checks when Liqo submits the CSR for signing. Returns why it fails, or `undefined`.
 */
const controlPlaneCsrProblem = (csrPem: string, publicKey: Buffer, clusterId: string): string | undefined => {
  const block = /^-----BEGIN CERTIFICATE REQUEST-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE REQUEST-----\r?\n?$/.exec(csrPem)
  if (!block?.[1]) return 'invalid CSR'
  let csr: CertificationRequest
  try {
    csr = AsnConvert.parse(Buffer.from(block[1], 'base64'), CertificationRequest)
  } catch (error) {
    return `invalid CSR: ${error instanceof Error ? error.message : String(error)}`
  }
  if (subjectValues(csr, COMMON_NAME).at(-1) !== clusterId) return 'invalid common name'
  if (subjectValues(csr, ORGANIZATION)[0] !== 'liqo.io') return 'invalid organization'
  const info = csr.certificationRequestInfo.subjectPKInfo
  if (info.algorithm.algorithm !== ED25519) return `invalid public key type ${info.algorithm.algorithm}`
  const key = Buffer.from(info.subjectPublicKey)
  if (!key.equals(publicKey)) return 'invalid public key'
  const signed = csr.certificationRequestInfoRaw
  const selfSigned =
    csr.signatureAlgorithm.algorithm === ED25519 && signed !== undefined && verify(null, Buffer.from(signed), ed25519Key(key)!, Buffer.from(csr.signature))
  return selfSigned ? undefined : 'invalid CSR signature'
}

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

  /**
   * Why Liqo's Tenant controller would refuse this Tenant, in its order (the nonce this cluster issued for the consumer,
   * the signature over it, the CSR), with the reason of the Warning event it records; `undefined` when it accepts it.
   */
  const tenantRefusal = (namespace: string, spec: Record<string, unknown>): { reason: string; message: string } | undefined => {
    const consumer = String(spec['clusterID'])
    const field = (key: string) => decode(typeof spec[key] === 'string' ? spec[key] : '')
    const nonceSecret = live(read('v1', 'Secret', namespace, 'liqo-nonce'))
    const labels = nonceSecret?.metadata.labels ?? {}
    const nonce = secretData(nonceSecret)['nonce']
    if (!nonce || labels[NONCE_LABEL] !== 'true' || labels[REMOTE_CLUSTER_ID] !== consumer)
      return { reason: 'NonceNotFound', message: `no nonce for cluster ${consumer} in Secret ${namespace}/liqo-nonce` }
    const publicKey = field('publicKey')
    const key = ed25519Key(publicKey)
    if (!key || !verify(null, decode(nonce), key, field('signature')))
      return { reason: 'SignatureVerificationFailed', message: `signature verification failed for Tenant ${consumer}` }
    const problem = controlPlaneCsrProblem(field('csr').toString(), publicKey, consumer)
    return problem ? { reason: 'InvalidCSR', message: problem } : undefined
  }

  const reconcileTenant = (namespace: string, name: string) => {
    const tenant = live(read(AUTHENTICATION, 'Tenant', namespace, name))
    if (!tenant || fail.Tenant) return
    const spec = tenant.spec ?? {}
    if (!spec['clusterID']) return
    const { conditions: _previous, ...kept } = tenant.status ?? {}
    const refusal = tenantRefusal(namespace, spec)
    const consumer = String(spec['clusterID'])
    // Liqo records a refusal as a Warning event and leaves the status alone; the fake serves no Events, so the reason goes in a condition.
    const status = refusal
      ? { ...kept, conditions: [{ type: 'Accepted', status: 'False', ...refusal }] }
      : {
          ...kept,
          tenantNamespace: namespace,
          authParams: {
            ca: base64(pem('CERTIFICATE', `fake-kube CA of ${settings.clusterId}`)),
            signedCRT: base64(pem('CERTIFICATE', `fake-kube certificate of ${consumer}, signed by ${settings.clusterId}`)),
            apiServer: settings.apiServerUrl,
          },
        }
    if (same(tenant.status, status)) return
    store.apply({ ...tenant, status })
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
    if (object.apiVersion === 'v1' && object.kind === 'Secret' && !deleted && (labels[NONCE_LABEL] === 'true' || labels[SIGNED_NONCE_LABEL] === 'true')) {
      later(key, () => reconcileNonce(namespace, name))
      // Liqo requeues a Tenant whose nonce was not there yet.
      if (labels[NONCE_LABEL] === 'true')
        for (const tenant of store.list(AUTHENTICATION, 'Tenant', { namespace })) later(`Tenant/${namespace}/${tenant.metadata.name}`, () => reconcileTenant(namespace, tenant.metadata.name ?? ''))
    }
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
