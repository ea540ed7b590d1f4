import { execFileSync } from 'node:child_process'
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { CertificationRequest } from '@peculiar/asn1-csr'
import { AsnConvert } from '@peculiar/asn1-schema'
import { describe, expect, it } from 'vitest'
import { controlPlaneCsr, forgeTenant } from '../../../agent/commands/tenant.ts'

const ED25519 = '1.3.101.112'
const keyPair = (type: 'ed25519' | 'ec' = 'ed25519') =>
  type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    : generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
const KEYS = keyPair()
const NONCE = Buffer.from('bm9uY2Utb2YtdGhlLXByb3ZpZGVy')
const SIGNATURE = sign(null, NONCE, KEYS.privateKey)
const RAW_KEY = Buffer.from(String(createPublicKey(KEYS.publicKey).export({ format: 'jwk' }).x), 'base64url')

const pemBody = (pem: string, label: string) => {
  const match = new RegExp(`^-----BEGIN ${label}-----\\n([A-Za-z0-9+/=\\n]+)-----END ${label}-----\\n$`).exec(pem)
  if (!match?.[1]) throw new Error(`not one ${label} PEM block`)
  return Buffer.from(match[1], 'base64')
}
const parse = (pem: string) => AsnConvert.parse(pemBody(pem, 'CERTIFICATE REQUEST'), CertificationRequest)
const subject = (csr: CertificationRequest) =>
  csr.certificationRequestInfo.subject.map((rdn) => rdn.map((a) => ({ type: a.type, printable: a.value.printableString, utf8: a.value.utf8String })))

const openssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('forgeTenant', () => {
  const tenant = forgeTenant({ clusterId: 'liqo-consumer', privateKeyPem: KEYS.privateKey, publicKeyPem: KEYS.publicKey, signature: SIGNATURE })

  it('gives the Tenant spec Liqo forges: cluster id, raw public key, PEM CSR and signature as base64, the CRD defaults', () => {
    expect(Object.keys(tenant)).toEqual(['clusterID', 'authzPolicy', 'publicKey', 'csr', 'signature', 'tenantCondition'])
    expect(tenant).toMatchObject({ clusterID: 'liqo-consumer', authzPolicy: 'KeysExchange', tenantCondition: 'Active' })
    expect(Buffer.from(tenant.publicKey, 'base64')).toEqual(RAW_KEY)
    expect(RAW_KEY).toHaveLength(32)
    expect(Buffer.from(tenant.signature, 'base64')).toEqual(SIGNATURE)
    expect(Buffer.from(tenant.csr, 'base64').toString()).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/)
  })

  it('lets the provider verify the signed nonce with the public key it carries, as Liqo’s VerifyNonce does', () => {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(tenant.publicKey, 'base64').toString('base64url') }, format: 'jwk' })
    expect(verify(null, NONCE, key, Buffer.from(tenant.signature, 'base64'))).toBe(true)
    expect(verify(null, Buffer.from('another nonce'), key, Buffer.from(tenant.signature, 'base64'))).toBe(false)
  })

  it('carries a CSR with subject O=liqo.io, CN=<cluster id>, the cluster key, and a PureEd25519 self-signature', () => {
    const csr = parse(Buffer.from(tenant.csr, 'base64').toString())
    expect(csr.certificationRequestInfo.version).toBe(0)
    expect(subject(csr)).toEqual([[{ type: '2.5.4.10', printable: 'liqo.io', utf8: undefined }], [{ type: '2.5.4.3', printable: 'liqo-consumer', utf8: undefined }]])
    expect(csr.certificationRequestInfo.subjectPKInfo.algorithm.algorithm).toBe(ED25519)
    expect(csr.certificationRequestInfo.subjectPKInfo.algorithm.parameters).toBeUndefined()
    expect(Buffer.from(csr.certificationRequestInfo.subjectPKInfo.subjectPublicKey)).toEqual(RAW_KEY)
    expect(csr.signatureAlgorithm.algorithm).toBe(ED25519)
    expect(csr.signatureAlgorithm.parameters).toBeUndefined()
    expect(verify(null, Buffer.from(csr.certificationRequestInfoRaw!), KEYS.publicKey, Buffer.from(csr.signature))).toBe(true)
    expect(verify(null, Buffer.from(csr.certificationRequestInfoRaw!), keyPair().publicKey, Buffer.from(csr.signature))).toBe(false)
  })

  it('encodes the CSR as Go’s x509.CreateCertificateRequest does, with the attributes [0] present though empty', () => {
    const der = pemBody(controlPlaneCsr('liqo-consumer', KEYS.privateKey, KEYS.publicKey), 'CERTIFICATE REQUEST')
    const info = Buffer.from(parse(controlPlaneCsr('liqo-consumer', KEYS.privateKey, KEYS.publicKey)).certificationRequestInfoRaw!)
    expect(info.subarray(-2)).toEqual(Buffer.from([0xa0, 0x00]))
    expect(der.subarray(-(2 + 5 + 2 + 65))).toEqual(Buffer.concat([Buffer.from([0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x41, 0x00]), der.subarray(-64)]))
  })

  it.skipIf(!openssl)('gives a CSR that OpenSSL parses and whose self-signature it verifies', () => {
    const out = execFileSync('openssl', ['req', '-noout', '-verify', '-subject'], { input: Buffer.from(tenant.csr, 'base64'), stdio: ['pipe', 'pipe', 'pipe'] }).toString()
    expect(out).toMatch(/subject=O\s*=\s*liqo\.io,\s*CN\s*=\s*liqo-consumer/)
  })

  it('is the same Tenant every time, so a redelivered step forges nothing new (Ed25519 signs deterministically)', () => {
    expect(forgeTenant({ clusterId: 'liqo-consumer', privateKeyPem: KEYS.privateKey, publicKeyPem: KEYS.publicKey, signature: SIGNATURE })).toEqual(tenant)
  })

  it('writes a cluster id outside PrintableString as UTF8String, as Go does', () => {
    const csr = parse(controlPlaneCsr('cluster_1', KEYS.privateKey, KEYS.publicKey))
    expect(subject(csr)[1]).toEqual([{ type: '2.5.4.3', printable: undefined, utf8: 'cluster_1' }])
  })

  it('refuses keys that are not one Ed25519 pair', () => {
    const other = keyPair()
    expect(() => forgeTenant({ clusterId: 'c', privateKeyPem: KEYS.privateKey, publicKeyPem: other.publicKey, signature: SIGNATURE })).toThrow(/does not match/)
    const ec = keyPair('ec')
    expect(() => forgeTenant({ clusterId: 'c', privateKeyPem: ec.privateKey, publicKeyPem: ec.publicKey, signature: SIGNATURE })).toThrow(/not Ed25519/)
  })
})
