import { createPrivateKey, createPublicKey, sign } from 'node:crypto'
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr'
import { AsnConvert } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName, SubjectPublicKeyInfo } from '@peculiar/asn1-x509'

/** Ed25519 (RFC 8410): the key and signature algorithm of Liqo v1's cluster authentication keys; no parameters. */
const ED25519 = '1.3.101.112'
const COMMON_NAME = '2.5.4.3'
const ORGANIZATION = '2.5.4.10'
/** The organization of a control-plane CSR (Liqo's `OrganizationControlPlaneCSR`). */
export const LIQO_CONTROL_PLANE_ORGANIZATION = 'liqo.io'

/** What the consumer's cluster contributes to its Tenant: its id, its `liqo/authentication-keys` (PEM) and the provider's nonce it signed. */
export interface TenantInput {
  clusterId: string
  /** PKCS#8 PEM, as in `data.privateKey` of `liqo/authentication-keys` (decoded from the Secret's base64). */
  privateKeyPem: string
  /** SPKI PEM, as in `data.publicKey` of `liqo/authentication-keys`. */
  publicKeyPem: string
  /** The provider's nonce signed with the cluster key (`data.signedNonce` of `liqo-signed-nonce`), as bytes. */
  signature: Uint8Array
}

/** `spec` of an `authentication.liqo.io/v1beta1` Tenant; the `[]byte` fields are base64, as in the CRD's JSON. */
export type TenantSpec = {
  clusterID: string
  authzPolicy: 'KeysExchange'
  /** The raw 32-byte Ed25519 public key. */
  publicKey: string
  /** The PEM `CERTIFICATE REQUEST`. */
  csr: string
  signature: string
  tenantCondition: 'Active'
}

const base64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64')

/** Go's `asn1.Marshal` of a string: PrintableString when every character allows it, UTF8String otherwise. */
const directoryString = (value: string) => new AttributeValue(/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value) ? { printableString: value } : { utf8String: value })

const rdn = (type: string, value: string) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: directoryString(value) })])

/**
 * A PKCS#10 CSR as Liqo's `authentication.GenerateCSRForControlPlane` makes it: subject O=liqo.io, CN=<cluster id> (in
 * `pkix.Name.ToRDNSequence` order), the cluster's Ed25519 public key, an empty attribute set, self-signed with PureEd25519;
 * PEM-encoded.
 */
export const controlPlaneCsr = (clusterId: string, privateKeyPem: string, publicKeyPem: string): string => {
  const privateKey = createPrivateKey(privateKeyPem)
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the Liqo cluster key is ${privateKey.asymmetricKeyType}, not Ed25519`)
  const spki = createPublicKey(publicKeyPem).export({ format: 'der', type: 'spki' })
  if (!spki.equals(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }))) throw new Error('the Liqo cluster public key does not match its private key')
  const info = new CertificationRequestInfo({
    version: 0,
    subject: new Name([rdn(ORGANIZATION, LIQO_CONTROL_PLANE_ORGANIZATION), rdn(COMMON_NAME, clusterId)]),
    subjectPKInfo: AsnConvert.parse(spki, SubjectPublicKeyInfo),
  })
  const toBeSigned = Buffer.from(AsnConvert.serialize(info))
  const signature = sign(null, toBeSigned, privateKey)
  const request = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ED25519 }),
    signature: new Uint8Array(signature).buffer,
  })
  const der = base64(new Uint8Array(AsnConvert.serialize(request)))
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE REQUEST-----\n`
}

/** The raw 32-byte Ed25519 key inside an SPKI PEM, which Go's `ed25519.PublicKey` is. */
export const rawEd25519PublicKey = (publicKeyPem: string): Buffer => {
  const key = createPublicKey(publicKeyPem)
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the Liqo cluster key is ${key.asymmetricKeyType}, not Ed25519`)
  return Buffer.from(String(key.export({ format: 'jwk' }).x), 'base64url')
}

/**
 * The consumer's Tenant spec exactly as Liqo v1 forges it (`GenerateTenant` → `forge.TenantForRemoteCluster`), because the
 * provider's Tenant controller verifies the signed nonce against `publicKey` and checks the CSR's key, CN and O before it
 * signs the CSR into the consumer's control-plane identity: `publicKey` is the raw Ed25519 key (`GetClusterKeys` returns
 * an `ed25519.PublicKey`), `csr` the PEM CSR, `signature` the signed nonce, each base64 as `[]byte` is in JSON;
 * `authzPolicy` and `tenantCondition` are the CRD defaults, written out.
 */
export const forgeTenant = ({ clusterId, privateKeyPem, publicKeyPem, signature }: TenantInput): TenantSpec => ({
  clusterID: clusterId,
  authzPolicy: 'KeysExchange',
  publicKey: base64(rawEd25519PublicKey(publicKeyPem)),
  csr: base64(controlPlaneCsr(clusterId, privateKeyPem, publicKeyPem)),
  signature: base64(signature),
  tenantCondition: 'Active',
})
