import { createHash, createHmac } from 'node:crypto'
import type { SignatureV4 } from '@smithy/signature-v4'
import type { AwsCredentialIdentity, Checksum, SourceData } from '@smithy/types'

export interface S3Location {
  bucket: string
  /** An emulator endpoint (fauxqs) in local mode and tests: path-style addressing; AWS otherwise. */
  endpoint?: string
  region?: string
  credentials?: AwsCredentialIdentity
}

const bytesOf = (data: SourceData): Uint8Array =>
  typeof data === 'string' ? Buffer.from(data) : data instanceof Uint8Array ? data : new Uint8Array(data instanceof ArrayBuffer ? data : data.buffer)

/** SHA-256, or HMAC-SHA-256 with a secret, as the SigV4 signer asks for it (node:crypto underneath). */
class NodeSha256 implements Checksum {
  private readonly hash

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret))
  }

  update(data: Uint8Array): void {
    this.hash.update(data)
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }

  reset(): void {
    throw new Error('a SigV4 hash is used once')
  }
}

/**
 * Whole objects in one S3 bucket: GET, PUT and bucket creation, signed with the AWS SDK's own SigV4
 * signer and credential chain over fetch. The snapshot store needs no more, and the full S3 client
 * would add about 230 KiB to every function bundle (docs/benchmarks.md, bundles).
 */
export class S3Objects {
  private signer: Promise<SignatureV4> | undefined
  private readonly region: string
  private readonly base: URL
  private readonly pathStyle: boolean

  constructor(private readonly location: S3Location) {
    this.region = location.region ?? process.env.AWS_REGION ?? 'us-east-1'
    this.pathStyle = location.endpoint !== undefined
    this.base = new URL(location.endpoint ?? `https://${location.bucket}.s3.${this.region}.amazonaws.com`)
  }

  /** The signer and the credential chain are imported on first use: functions that never touch S3 do not load them at init. */
  private sign(): Promise<SignatureV4> {
    this.signer ??= Promise.all([import('@smithy/signature-v4'), this.location.credentials ? undefined : import('@aws-sdk/credential-provider-node')]).then(
      ([{ SignatureV4 }, chain]) =>
        new SignatureV4({ service: 's3', region: this.region, credentials: this.location.credentials ?? chain!.defaultProvider(), sha256: NodeSha256, uriEscapePath: false, applyChecksum: false }),
    )
    return this.signer
  }

  private async call(method: 'GET' | 'PUT', key: string | undefined, body?: Uint8Array): Promise<Response> {
    const segments = [...(this.pathStyle ? [this.location.bucket] : []), ...(key === undefined ? [] : key.split('/'))].map(encodeURIComponent)
    const path = `/${segments.join('/')}`
    const headers: Record<string, string> = { host: this.base.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...(body ? { 'content-length': String(body.byteLength) } : {}) }
    const signed = await (await this.sign()).sign({ method, protocol: this.base.protocol, hostname: this.base.hostname, ...(this.base.port ? { port: Number(this.base.port) } : {}), path, query: {}, headers })
    const { host: _host, ...sent } = signed.headers
    return fetch(new URL(path, this.base), { method, headers: sent, ...(body ? { body } : {}) })
  }

  private static async failure(response: Response, what: string): Promise<Error> {
    return new Error(`S3 ${what} answered ${response.status}: ${(await response.text()).slice(0, 300)}`)
  }

  /** The object's bytes, or undefined when there is no such object. */
  async get(key: string): Promise<Uint8Array | undefined> {
    const response = await this.call('GET', key)
    if (response.status === 404) {
      await response.body?.cancel()
      return undefined
    }
    if (!response.ok) throw await S3Objects.failure(response, `GET ${key}`)
    return new Uint8Array(await response.arrayBuffer())
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const response = await this.call('PUT', key, bytes)
    if (!response.ok) throw await S3Objects.failure(response, `PUT ${key}`)
    await response.body?.cancel()
  }

  /** Creates the bucket unless this account has it already (local mode and tests). */
  async createBucket(): Promise<void> {
    const response = await this.call('PUT', undefined)
    const text = await response.text()
    if (!response.ok && !/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(text)) throw new Error(`S3 create bucket answered ${response.status}: ${text.slice(0, 300)}`)
  }
}
