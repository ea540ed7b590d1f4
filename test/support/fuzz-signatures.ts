/**
 * Tampered signed requests (issue 14): valid RFC 9421 requests to every signed route family, each
 * freshly signed, then broken after signing (Signature-Input, Signature, Content-Digest, body, Host,
 * method, path, Content-Type, Authorization) or signed with parameters rear's policy refuses. None may
 * be accepted. Deterministic for a seed, but for the nonces and the keys. A raw CR or LF inside a header
 * value cannot be sent (the runtime's Headers refuse it, as Node's HTTP parser does): CRLF injection is
 * tried percent-encoded and as other control characters instead.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createSignature, webcrypto } from 'http-message-sig'
import type { Signer } from 'http-message-sig'
import { generateSigningKey } from '../../adapters/security/ed25519-keys.ts'
import { contentDigest, SIGNATURE_LABEL, SIGNATURE_VALIDITY_SECONDS } from '../../adapters/security/http-signatures.ts'
import type { PrivateJwk } from '../../core/security/ports.ts'
import type { Clock } from '../../core/shared/ports.ts'
import { seededRandom } from './seeded-random.ts'

/** A valid call to one signed route, as its legitimate signer would make it. */
export interface SignedRoute {
  family: string
  method: string
  /** Path and query. */
  path: string
  body?: unknown
  /** Headers sent but not signed (Authorization on the agent API). */
  headers?: Record<string, string>
  /** Who signs it: a peer id, or `agent`. */
  signer: string
  /** It writes: a tampered copy must change nothing. */
  writes: boolean
}

export interface WireRequest {
  method: string
  url: string
  /** In order, a name may repeat (the runtime joins repeats with `, `). */
  headers: [string, string][]
  body?: string
}

export interface SignedRequest extends WireRequest {
  keyId: string
  nonce: string
}

/** What a tampered request must get: this status, and (for 401 and 403) one of these codes. */
export interface Expectation {
  status: number
  codes?: readonly string[]
}

export interface TamperedRequest extends WireRequest {
  label: string
  expect: readonly Expectation[]
  /** The nonce item it may leave when its signature itself verifies and something after it refuses the call. */
  mayClaim?: string
}

export interface SignOptions {
  label?: string
  components?: readonly string[]
  parameters?: Record<string, string | number | undefined>
  /** The algorithm the signer claims to be (the key is Ed25519 whatever it says). */
  algorithm?: string
  /** What is signed, when not what is sent. */
  signedMethod?: string
  signedUrl?: string
  contentDigest?: string
  /** Sign with this key under this keyid instead of the route's signer's. */
  key?: { jwk: PrivateJwk; keyId: string }
}

export interface SigningKeys {
  key: (owner: string) => { jwk: PrivateJwk; keyId: string }
}

const SIGNATURE_CODES = ['SIGNATURE_MISSING', 'SIGNATURE_MALFORMED', 'SIGNATURE_INVALID', 'SIGNATURE_KEY_UNKNOWN', 'SIGNATURE_EXPIRED', 'CONTENT_DIGEST_MISMATCH'] as const
type SignatureCode = (typeof SIGNATURE_CODES)[number]

const unauthorized = (...codes: SignatureCode[]): Expectation[] => [{ status: 401, codes: codes.length ? codes : SIGNATURE_CODES }]
const INVALID = unauthorized('SIGNATURE_INVALID')
const MALFORMED = unauthorized('SIGNATURE_MALFORMED')
const UNKNOWN_KEY = unauthorized('SIGNATURE_KEY_UNKNOWN')
const EXPIRED = unauthorized('SIGNATURE_EXPIRED')
const DIGEST = unauthorized('CONTENT_DIGEST_MISMATCH')

const find = (headers: readonly [string, string][], name: string) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1]
const without = (headers: readonly [string, string][], name: string) => headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase())
const replaced = (headers: readonly [string, string][], name: string, value: string): [string, string][] => [...without(headers, name), [name, value]]
const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1')

/** Signs requests to a participant at `selfUrl` as rear's signer does, or with whatever the options break. */
export class FuzzRequestSigner {
  constructor(
    readonly keys: SigningKeys,
    readonly clock: Clock,
    readonly selfUrl: string,
  ) {}

  private readonly signers = new Map<string, Promise<Signer>>()

  private imported(jwk: PrivateJwk): Promise<Signer> {
    let signer = this.signers.get(jwk.x)
    if (!signer) {
      signer = crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }, { name: 'Ed25519' }, false, ['sign']).then((key) => webcrypto.signer(key))
      this.signers.set(jwk.x, signer)
    }
    return signer
  }

  async sign(route: SignedRoute, options: SignOptions = {}): Promise<SignedRequest> {
    const body = route.body === undefined ? undefined : JSON.stringify(route.body)
    const headers: [string, string][] = Object.entries(route.headers ?? {})
    if (body !== undefined) headers.push(['content-type', 'application/json'])
    headers.push(['content-digest', options.contentDigest ?? contentDigest(new TextEncoder().encode(body ?? ''))])
    const { jwk, keyId } = options.key ?? this.keys.key(route.signer)
    const created = Math.floor(this.clock.now().getTime() / 1000)
    const nonce = randomBytes(16).toString('base64url')
    const parameters = Object.fromEntries(
      Object.entries({ created, expires: created + SIGNATURE_VALIDITY_SECONDS, keyid: keyId, nonce, alg: 'ed25519', tag: SIGNATURE_LABEL, ...options.parameters }).filter(([, v]) => v !== undefined),
    )
    const ed25519 = await this.imported(jwk)
    const signer = (options.algorithm ? { algorithm: options.algorithm, sign: (data: Uint8Array) => ed25519.sign(data) } : ed25519) as Signer
    const url = `${this.selfUrl}${route.path}`
    const fields = await createSignature(
      { kind: 'request', method: options.signedMethod ?? route.method, targetUri: options.signedUrl ?? url, fields: headers.map(([name, value]) => ({ name, value })) },
      {
        label: options.label ?? SIGNATURE_LABEL,
        components: [...(options.components ?? ['@method', '@target-uri', 'content-digest', ...(body === undefined ? [] : ['content-type'])])],
        parameters,
        signer,
      },
    )
    return {
      method: route.method,
      url,
      headers: [...headers, ['signature-input', fields.signatureInput], ['signature', fields.signature]],
      ...(body === undefined ? {} : { body }),
      keyId,
      nonce: typeof parameters.nonce === 'string' ? parameters.nonce : nonce,
    }
  }
}

/** A Signature-Input parameter set to `value` (a serialised bare item), or removed when `value` is undefined. */
function withParameter(input: string, name: string, value: string | undefined): string {
  const pattern = new RegExp(`;${name}=("[^"]*"|[^;,]*)`)
  if (value === undefined) return input.replace(pattern, '')
  return pattern.test(input) ? input.replace(pattern, `;${name}=${value}`) : `${input};${name}=${value}`
}

const componentsOf = (input: string) => /\(([^)]*)\)/.exec(input)![1]!.split(' ')
const withComponents = (input: string, components: readonly string[]) => input.replace(/\([^)]*\)/, `(${components.join(' ')})`)

type Mutation = { label: string; expect: readonly Expectation[]; mayClaim?: boolean; build: (signed: SignedRequest) => WireRequest | Promise<WireRequest> }
type Resigned = { label: string; expect: readonly Expectation[]; mayClaim?: boolean; options: (route: SignedRoute) => SignOptions; route?: (route: SignedRoute) => SignedRoute }

export interface TamperingOptions {
  seed: number
  /** A peer that may sign here but is none of the routes' signers. */
  otherPeer: string
  /** A peer whose registered key has lapsed. */
  retiredPeer: string
  /** This participant's own keyid, which it never accepts from outside. */
  selfKeyId: string
  /** The agent API's token; Authorization tampering replaces it. */
  agentToken: string
  /** Each kind of tampering goes to one in `share` of the routes it applies to, in turn (the first always): 1, the default, sends every one everywhere. */
  share?: number
}

/**
 * Every tampering of every route, each on its own freshly signed request: post-signing edits of the
 * signature fields, the digest, the body and the request line, and requests signed with refused
 * parameters (missing, expired, future, unknown or lapsed keys, wrong algorithm, tag or label).
 */
export async function signatureTampering(routes: readonly SignedRoute[], signer: FuzzRequestSigner, options: TamperingOptions): Promise<TamperedRequest[]> {
  const random = seededRandom(options.seed)
  const garbage = (length: number) => Array.from({ length }, () => String.fromCharCode(0x20 + Math.floor(random() * 0x5f))).join('')
  const unknownKey = { jwk: generateSigningKey('k1'), keyId: 'nobody#k1' }
  const requests: TamperedRequest[] = []
  const applied = new Map<string, number>()
  const chosen = (label: string) => {
    const kind = label.replace(/\d+/g, 'n')
    const count = applied.get(kind) ?? 0
    applied.set(kind, count + 1)
    return count % (options.share ?? 1) === 0
  }

  for (const route of routes) {
    const hasBody = route.body !== undefined
    const isAgent = route.signer === 'agent'
    const other = signer.keys
    const mutations: Mutation[] = [...signatureInputMutations(), ...signatureMutations(), ...digestMutations(), ...requestLineMutations()]
    for (const mutation of mutations.filter((m) => chosen(m.label))) {
      const signed = await signer.sign(route)
      const wire = await mutation.build(signed)
      if (JSON.stringify(wire) === JSON.stringify(strip(signed))) throw new Error(`${route.family} ${route.method} ${route.path}: ${mutation.label} changed nothing`)
      requests.push({ ...wire, label: `${route.family} ${route.method} ${route.path}: ${mutation.label}`, expect: mutation.expect, ...(mutation.mayClaim ? { mayClaim: `NONCE#${signed.keyId}#${signed.nonce}` } : {}) })
    }
    for (const resigned of resignedMutations().filter((m) => chosen(`signed ${m.label}`))) {
      const sent = resigned.route ? resigned.route(route) : route
      const signed = await signer.sign(sent, resigned.options(sent))
      requests.push({ ...strip(signed), label: `${route.family} ${route.method} ${route.path}: signed ${resigned.label}`, expect: resigned.expect, ...(resigned.mayClaim ? { mayClaim: `NONCE#${signed.keyId}#${signed.nonce}` } : {}) })
    }

    function signatureInputMutations(): Mutation[] {
      const input = (edit: (value: string, signed: SignedRequest) => string) => (signed: SignedRequest) => ({ ...strip(signed), headers: replaced(signed.headers, 'signature-input', edit(find(signed.headers, 'signature-input')!, signed)) })
      const list: Mutation[] = [
        { label: 'Signature-Input dropped', expect: unauthorized('SIGNATURE_MISSING', 'SIGNATURE_MALFORMED'), build: (s) => ({ ...strip(s), headers: without(s.headers, 'signature-input') }) },
        { label: 'Signature-Input duplicated', expect: MALFORMED, build: input((v) => `${v}, ${v}`) },
        { label: 'Signature-Input sent twice', expect: MALFORMED, build: (s) => ({ ...strip(s), headers: [...s.headers, ['signature-input', find(s.headers, 'signature-input')!]] }) },
        { label: 'components reversed', expect: INVALID, build: input((v) => withComponents(v, componentsOf(v).reverse())) },
        { label: 'components rotated', expect: INVALID, build: input((v) => withComponents(v, [...componentsOf(v).slice(1), componentsOf(v)[0]!])) },
        { label: 'a component repeated', expect: MALFORMED, build: input((v) => withComponents(v, [...componentsOf(v), componentsOf(v)[0]!])) },
        { label: 'components emptied', expect: MALFORMED, build: input((v) => withComponents(v, [])) },
        { label: 'an unknown derived component added', expect: MALFORMED, build: input((v) => withComponents(v, [...componentsOf(v), '"@fuzz"'])) },
        { label: 'a missing header component added', expect: unauthorized('SIGNATURE_MALFORMED', 'SIGNATURE_MISSING', 'SIGNATURE_INVALID'), build: input((v) => withComponents(v, [...componentsOf(v), '"x-not-sent"'])) },
        { label: 'an uppercase component', expect: MALFORMED, build: input((v) => withComponents(v, componentsOf(v).map((c, i) => (i === 0 ? c.toUpperCase() : c)))) },
        ...['"@method"', '"@target-uri"', '"content-digest"', ...(hasBody ? ['"content-type"'] : [])].map(
          (component): Mutation => ({ label: `component ${component} dropped`, expect: unauthorized('SIGNATURE_MALFORMED', 'SIGNATURE_INVALID'), build: input((v) => withComponents(v, componentsOf(v).filter((c) => c !== component))) }),
        ),
        ...['created', 'expires', 'keyid', 'nonce', 'alg', 'tag'].map((name): Mutation => ({ label: `${name} dropped`, expect: MALFORMED, build: input((v) => withParameter(v, name, undefined)) })),
        ...['"hmac-sha256"', '"rsa-pss-sha512"', '"ecdsa-p256-sha256"', '"none"', '"ED25519"', '"eddsa"', 'ed25519', '1'].map((alg): Mutation => ({ label: `alg ${alg}`, expect: MALFORMED, build: input((v) => withParameter(v, 'alg', alg)) })),
        ...[
          ['huge', '999999999999999', EXPIRED],
          ['too big for a structured integer', '9999999999999999', MALFORMED],
          ['negative', '-1', EXPIRED],
          ['zero', '0', EXPIRED],
          ['NaN', 'NaN', MALFORMED],
          ['Infinity', 'Infinity', MALFORMED],
          ['a decimal', '1767225600.5', MALFORMED],
          ['a string', '"now"', MALFORMED],
          ['a boolean', '?1', MALFORMED],
          ['an hour ahead', (s: SignedRequest) => String(createdOf(s) + 3600), EXPIRED],
          ['a minute ahead', (s: SignedRequest) => String(createdOf(s) + 60), EXPIRED],
          ['a second earlier', (s: SignedRequest) => String(createdOf(s) - 1), INVALID],
          ['an hour old', (s: SignedRequest) => String(createdOf(s) - 3600), EXPIRED],
        ].map(([what, value, expect]): Mutation => ({
          label: `created ${what as string}`,
          expect: expect as Expectation[],
          build: input((v, s) => withParameter(v, 'created', typeof value === 'function' ? value(s) : (value as string))),
        })),
        { label: 'expires an hour later', expect: unauthorized('SIGNATURE_MALFORMED', 'SIGNATURE_INVALID'), build: input((v, s) => withParameter(v, 'expires', String(createdOf(s) + 3600))) },
        { label: 'expires in the past', expect: EXPIRED, build: input((v, s) => withParameter(v, 'expires', String(createdOf(s) - 3600))) },
        { label: 'expires a string', expect: MALFORMED, build: input((v) => withParameter(v, 'expires', '"later"')) },
        { label: 'label renamed in Signature-Input only', expect: MALFORMED, build: input((v) => v.replace(/^rear=/, 'sig1=')) },
        { label: 'label renamed in Signature only', expect: MALFORMED, build: (s) => ({ ...strip(s), headers: replaced(s.headers, 'signature', find(s.headers, 'signature')!.replace(/^rear=/, 'sig1=')) }) },
        {
          label: 'label renamed in both',
          expect: MALFORMED,
          build: (s) => ({ ...strip(s), headers: replaced(replaced(s.headers, 'signature', find(s.headers, 'signature')!.replace(/^rear=/, 'sig1=')), 'signature-input', find(s.headers, 'signature-input')!.replace(/^rear=/, 'sig1=')) }),
        },
        { label: 'a second label in Signature-Input', expect: MALFORMED, build: input((v) => `${v}, sig1=${v.slice('rear='.length)}`) },
        { label: 'keyid of nobody', expect: UNKNOWN_KEY, build: input((v) => withParameter(v, 'keyid', '"nobody#k1"')) },
        { label: 'keyid of another peer', expect: isAgent ? UNKNOWN_KEY : INVALID, build: input((v) => withParameter(v, 'keyid', `"${other.key(options.otherPeer).keyId}"`)) },
        { label: 'keyid of the participant itself', expect: UNKNOWN_KEY, build: input((v) => withParameter(v, 'keyid', `"${options.selfKeyId}"`)) },
        { label: `keyid of ${isAgent ? 'a peer on the agent API' : 'the agent on the peer API'}`, expect: UNKNOWN_KEY, build: input((v) => withParameter(v, 'keyid', `"${other.key(isAgent ? options.otherPeer : 'agent').keyId}"`)) },
        { label: 'keyid with another kid', expect: UNKNOWN_KEY, build: input((v, s) => withParameter(v, 'keyid', `"${s.keyId.split('#')[0]}#k9"`)) },
        { label: 'keyid without an owner', expect: UNKNOWN_KEY, build: input((v, s) => withParameter(v, 'keyid', `"#${s.keyId.split('#')[1]}"`)) },
        { label: 'keyid without a kid', expect: UNKNOWN_KEY, build: input((v, s) => withParameter(v, 'keyid', `"${s.keyId.split('#')[0]}#"`)) },
        { label: 'keyid a bare owner', expect: UNKNOWN_KEY, build: input((v, s) => withParameter(v, 'keyid', `"${s.keyId.split('#')[0]}"`)) },
        { label: 'keyid empty', expect: UNKNOWN_KEY, build: input((v) => withParameter(v, 'keyid', '""')) },
        { label: 'keyid a token', expect: MALFORMED, build: input((v) => withParameter(v, 'keyid', 'nobody')) },
        { label: 'keyid an integer', expect: MALFORMED, build: input((v) => withParameter(v, 'keyid', '7')) },
        { label: 'keyid with a prototype name', expect: UNKNOWN_KEY, build: input((v) => withParameter(v, 'keyid', '"__proto__#constructor"')) },
        { label: 'keyid with an encoded CRLF', expect: UNKNOWN_KEY, build: input((v) => withParameter(v, 'keyid', '"consumer-1%0d%0aX-Injected: 1#k1"')) },
        { label: 'keyid with an escaped quote', expect: UNKNOWN_KEY, build: input((v) => withParameter(v, 'keyid', '"consumer-1\\"#k1"')) },
        { label: 'keyid of 8 KB', expect: UNKNOWN_KEY, build: input((v) => withParameter(v, 'keyid', `"${'a'.repeat(4096)}#${'b'.repeat(4096)}"`)) },
        { label: 'keyid in UTF-8', expect: MALFORMED, build: input((v) => withParameter(v, 'keyid', `"${latin1('ключ#k1🔑')}"`)) },
        { label: 'nonce replaced', expect: INVALID, build: input((v) => withParameter(v, 'nonce', `"${randomBytes(16).toString('base64url')}"`)) },
        { label: 'nonce an integer', expect: MALFORMED, build: input((v) => withParameter(v, 'nonce', '12345678901234567')) },
        { label: 'tag changed', expect: unauthorized('SIGNATURE_MALFORMED', 'SIGNATURE_INVALID'), build: input((v) => withParameter(v, 'tag', '"fluidos"')) },
        { label: 'a parameter repeated', expect: MALFORMED, build: input((v, s) => `${v};created=${createdOf(s)}`) },
        { label: 'an unknown parameter added', expect: INVALID, build: input((v) => `${v};fuzz="1"`) },
        { label: 'an unsupported component parameter', expect: MALFORMED, build: input((v) => v.replace('"content-digest"', '"content-digest";sf')) },
        { label: 'empty', expect: unauthorized('SIGNATURE_MALFORMED', 'SIGNATURE_MISSING'), build: input(() => '') },
        { label: 'a bare label', expect: MALFORMED, build: input(() => 'rear') },
        { label: 'rear=()', expect: MALFORMED, build: input(() => 'rear=()') },
        { label: 'not an inner list', expect: MALFORMED, build: input(() => 'rear="@method"') },
        { label: 'unbalanced parentheses', expect: MALFORMED, build: input((v) => v.replace(')', '')) },
        { label: 'UTF-8 bytes', expect: MALFORMED, build: input((v) => `${v}${latin1('ü✓🔑')}`) },
        { label: 'control characters', expect: MALFORMED, build: input((v) => `${v}\x01\x7f`) },
        { label: 'a tab inside', expect: MALFORMED, build: input((v) => v.replace(';', '\t;')) },
        { label: 'an encoded CRLF header injection', expect: MALFORMED, build: input((v) => `${v}%0d%0aX-Injected: 1`) },
        { label: 'a space before a parameter', expect: MALFORMED, build: input((v) => v.replace(';', ' ;')) },
        { label: 'of 64 KB', expect: INVALID, build: input((v) => `${v};fuzz="${'a'.repeat(64 * 1024)}"`) },
        { label: 'of 64 KB of components', expect: MALFORMED, build: input((v) => withComponents(v, Array.from({ length: 4096 }, (_, i) => `"x-${i}"`))) },
      ]
      for (let i = 0; i < 6; i++) {
        const length = 1 + Math.floor(random() * 512)
        list.push({ label: `garbage of ${length} characters (${i})`, expect: MALFORMED, build: input(() => garbage(length)) })
        list.push({ label: `garbage after the label (${i})`, expect: MALFORMED, build: input((v) => `rear=${garbage(1 + Math.floor(random() * v.length))}`) })
      }
      return list
    }

    function signatureMutations(): Mutation[] {
      const signature = (edit: (value: string, signed: SignedRequest) => string) => (signed: SignedRequest) => ({ ...strip(signed), headers: replaced(signed.headers, 'signature', edit(find(signed.headers, 'signature')!, signed)) })
      const bytes = (value: string) => Buffer.from(/^rear=:(.*):$/.exec(value)![1]!, 'base64')
      const encode = (buffer: Buffer) => `rear=:${buffer.toString('base64')}:`
      const list: Mutation[] = [
        { label: 'Signature dropped', expect: unauthorized('SIGNATURE_MISSING', 'SIGNATURE_MALFORMED'), build: (s) => ({ ...strip(s), headers: without(s.headers, 'signature') }) },
        { label: 'both signature fields dropped', expect: unauthorized('SIGNATURE_MISSING'), build: (s) => ({ ...strip(s), headers: without(without(s.headers, 'signature'), 'signature-input') }) },
        { label: 'Signature empty', expect: MALFORMED, build: signature(() => '') },
        { label: 'Signature an empty byte sequence', expect: INVALID, build: signature(() => 'rear=::') },
        { label: 'Signature zeroed', expect: INVALID, build: signature(() => encode(Buffer.alloc(64))) },
        { label: 'Signature truncated to one byte', expect: INVALID, build: signature((v) => encode(bytes(v).subarray(0, 1))) },
        { label: 'Signature with a byte appended', expect: INVALID, build: signature((v) => encode(Buffer.concat([bytes(v), Buffer.of(0)]))) },
        { label: 'Signature doubled', expect: INVALID, build: signature((v) => encode(Buffer.concat([bytes(v), bytes(v)]))) },
        { label: 'Signature in base64url', expect: unauthorized('SIGNATURE_MALFORMED', 'SIGNATURE_INVALID'), build: signature((v) => `rear=:${bytes(v).toString('base64url').replace(/^[^_-]*$/, (b) => `-${b.slice(1)}`)}:`) },
        { label: 'Signature not base64', expect: MALFORMED, build: signature(() => 'rear=:!!!!:') },
        { label: 'Signature without its colons', expect: MALFORMED, build: signature((v) => v.replaceAll(':', '')) },
        { label: 'Signature as a string', expect: MALFORMED, build: signature((v) => `rear="${bytes(v).toString('base64')}"`) },
        { label: 'Signature with a parameter', expect: MALFORMED, build: signature((v) => `${v};fuzz`) },
        { label: 'Signature as an inner list', expect: MALFORMED, build: signature((v) => `rear=(${v.slice('rear='.length)})`) },
        { label: 'Signature repeated', expect: MALFORMED, build: signature((v) => `${v}, ${v}`) },
        { label: 'Signature sent twice', expect: MALFORMED, build: (s) => ({ ...strip(s), headers: [...s.headers, ['signature', find(s.headers, 'signature')!]] }) },
        { label: 'Signature with a bad one first', expect: MALFORMED, build: signature((v) => `rear=:${Buffer.alloc(64).toString('base64')}:, ${v}`) },
        { label: 'Signature with a second label', expect: MALFORMED, build: signature((v) => `${v}, sig1=${v.slice('rear='.length)}`) },
        { label: 'Signature of 64 KB', expect: INVALID, build: signature(() => encode(randomBytes(48 * 1024))) },
        { label: 'Signature in UTF-8', expect: MALFORMED, build: signature((v) => `${v}${latin1('🔑')}`) },
        {
          label: 'Signature of another message (same route, another nonce)',
          expect: INVALID,
          build: async (s) => ({ ...strip(s), headers: replaced(s.headers, 'signature', find((await signer.sign(route)).headers, 'signature')!) }),
        },
        {
          label: 'Signature and Signature-Input of another route',
          expect: unauthorized(),
          build: async (s) => {
            const elsewhere = await signer.sign(routes[(routes.indexOf(route) + 1) % routes.length]!)
            return { ...strip(s), headers: replaced(replaced(s.headers, 'signature', find(elsewhere.headers, 'signature')!), 'signature-input', find(elsewhere.headers, 'signature-input')!) }
          },
        },
      ]
      for (let i = 0; i < 8; i++) {
        list.push({
          label: `Signature bit-flipped (${i})`,
          expect: INVALID,
          build: signature((v) => {
            const flipped = bytes(v)
            const bit = Math.floor(random() * flipped.length * 8)
            flipped[bit >> 3]! ^= 1 << (bit & 7)
            return encode(flipped)
          }),
        })
        const keep = 1 + Math.floor(random() * 62)
        list.push({ label: `Signature truncated to ${keep} bytes (${i})`, expect: INVALID, build: signature((v) => encode(bytes(v).subarray(0, keep))) })
        list.push({ label: `Signature truncated to ${keep} characters (${i})`, expect: MALFORMED, build: signature((v) => v.slice(0, 'rear=:'.length + keep)) })
      }
      return list
    }

    function digestMutations(): Mutation[] {
      const digest = (value: (signed: SignedRequest) => string) => (signed: SignedRequest) => ({ ...strip(signed), headers: replaced(signed.headers, 'content-digest', value(signed)) })
      const body = (edit: (value: string) => string) => (signed: SignedRequest) => ({ ...strip(signed), body: edit(signed.body ?? '') })
      const sha = (algorithm: string, text: string) => createHash(algorithm).update(text).digest('base64')
      const list: Mutation[] = [
        { label: 'Content-Digest dropped', expect: unauthorized('SIGNATURE_MISSING', 'SIGNATURE_INVALID', 'SIGNATURE_MALFORMED'), build: (s) => ({ ...strip(s), headers: without(s.headers, 'content-digest') }) },
        { label: 'Content-Digest in sha-512', expect: INVALID, build: digest((s) => `sha-512=:${sha('sha512', s.body ?? '')}:`) },
        { label: 'Content-Digest of another body', expect: INVALID, build: digest(() => `sha-256=:${sha('sha256', '{}')}:`) },
        { label: 'Content-Digest with a second algorithm', expect: INVALID, build: digest((s) => `${find(s.headers, 'content-digest')}, sha-512=:${sha('sha512', s.body ?? '')}:`) },
        { label: 'Content-Digest sent twice', expect: INVALID, build: (s) => ({ ...strip(s), headers: [...s.headers, ['content-digest', find(s.headers, 'content-digest')!]] }) },
        { label: 'Content-Digest in hex', expect: INVALID, build: digest((s) => `sha-256=:${createHash('sha256').update(s.body ?? '').digest('hex')}:`) },
        { label: 'Content-Digest of 64 KB', expect: INVALID, build: digest(() => `sha-256=:${randomBytes(48 * 1024).toString('base64')}:`) },
      ]
      if (!['GET', 'HEAD'].includes(route.method)) {
        list.push(
          { label: 'a byte appended to the body after signing', expect: hasBody ? DIGEST : unauthorized('CONTENT_DIGEST_MISMATCH', 'SIGNATURE_MALFORMED'), build: (s) => ({ ...strip(s), body: `${s.body ?? ''} ` }) },
        )
      }
      if (hasBody) {
        list.push(
          { label: 'the body emptied after signing', expect: DIGEST, build: body(() => '') },
          { label: 'the JSON body re-ordered', expect: DIGEST, build: body((b) => JSON.stringify(reordered(JSON.parse(b)))) },
          { label: 'the JSON body re-indented', expect: DIGEST, build: body((b) => JSON.stringify(JSON.parse(b), null, 2)) },
          { label: 'the body with a field added', expect: DIGEST, build: body((b) => b.replace(/^\{/, '{"fuzz":1,')) },
          { label: 'the body doubled', expect: DIGEST, build: body((b) => b + b) },
          { label: 'the body of 200 KB', expect: DIGEST, build: body((b) => `${b}${' '.repeat(200 * 1024)}`) },
        )
        for (let i = 0; i < 6; i++) {
          list.push({
            label: `a byte of the body changed (${i})`,
            expect: [{ status: 401, codes: ['CONTENT_DIGEST_MISMATCH'] }],
            build: body((b) => {
              const at = Math.floor(random() * b.length)
              const byte = b.charCodeAt(at) === 0x20 ? 0x21 : 0x20
              return `${b.slice(0, at)}${String.fromCharCode(byte)}${b.slice(at + 1)}`
            }),
          })
        }
      }
      return list
    }

    function requestLineMutations(): Mutation[] {
      const url = (edit: (value: URL) => string) => (signed: SignedRequest) => ({ ...strip(signed), url: edit(new URL(signed.url)) })
      const misdirected = [{ status: 421 }]
      const otherMethods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => m !== route.method && !(['GET'].includes(m) && hasBody))
      const list: Mutation[] = [
        { label: 'Host header changed', expect: misdirected, build: (s) => ({ ...strip(s), headers: replaced(s.headers, 'host', 'evil.example') }) },
        { label: 'Host header with another port', expect: misdirected, build: (s) => ({ ...strip(s), headers: replaced(s.headers, 'host', '127.0.0.1:30002') }) },
        { label: 'sent to another host', expect: misdirected, build: url((u) => `http://evil.example:${u.port}${u.pathname}${u.search}`) },
        { label: 'Host header of 16 KB', expect: misdirected, build: (s) => ({ ...strip(s), headers: replaced(s.headers, 'host', `${'h'.repeat(16 * 1024)}.example`) }) },
        ...otherMethods.map((method): Mutation => ({ label: `method changed to ${method}`, expect: [...INVALID, { status: 415 }], build: (s) => ({ ...strip(s), method }) })),
        { label: 'a query added', expect: INVALID, build: url((u) => `${u.origin}${u.pathname}${u.search ? `${u.search}&` : '?'}fuzz=1`) },
        { label: 'a trailing slash', expect: [...INVALID, { status: 404 }], build: url((u) => `${u.origin}${u.pathname}/${u.search}`) },
        { label: 'a percent-encoded letter', expect: INVALID, build: url((u) => `${u.origin}${u.pathname.replace(/([a-z])([^a-z]*)$/, (_, c: string, rest: string) => `%${c.charCodeAt(0).toString(16)}${rest}`)}${u.search}`) },
        { label: 'the path upper-cased', expect: [...INVALID, { status: 404 }], build: url((u) => `${u.origin}${u.pathname.toUpperCase()}${u.search}`) },
      ]
      if (new URL(`${signer.selfUrl}${route.path}`).search) {
        list.push(
          { label: 'the query dropped', expect: INVALID, build: url((u) => `${u.origin}${u.pathname}`) },
          { label: 'a query value changed', expect: INVALID, build: url((u) => `${u.origin}${u.pathname}${u.search.replace(/=([^&=]*)$/, '=9')}`) },
        )
      }
      const id = /\/(agent-[^/?]+|tx-[^/?]+|[0-9a-f-]{8,}|publisher-1|cmd-[^/?]+)(?=[/?]|$)/.exec(route.path)?.[1]
      if (id) list.push({ label: 'the path id changed', expect: INVALID, build: url((u) => `${u.origin}${u.pathname.replace(id, `${id}x`)}${u.search}`) })
      if (hasBody) {
        list.push(
          { label: 'Content-Type dropped', expect: [{ status: 415 }], build: (s) => ({ ...strip(s), headers: without(s.headers, 'content-type') }) },
          { label: 'Content-Type text/plain', expect: [{ status: 415 }], build: (s) => ({ ...strip(s), headers: replaced(s.headers, 'content-type', 'text/plain') }) },
          { label: 'Content-Type form', expect: [{ status: 415 }], build: (s) => ({ ...strip(s), headers: replaced(s.headers, 'content-type', 'application/x-www-form-urlencoded') }) },
          { label: 'Content-Type with a charset', expect: INVALID, build: (s) => ({ ...strip(s), headers: replaced(s.headers, 'content-type', 'application/json; charset=utf-8') }) },
          { label: 'Content-Type upper-cased', expect: INVALID, build: (s) => ({ ...strip(s), headers: replaced(s.headers, 'content-type', 'APPLICATION/JSON') }) },
          { label: 'Content-Type +json', expect: INVALID, build: (s) => ({ ...strip(s), headers: replaced(s.headers, 'content-type', 'application/fuzz+json') }) },
          { label: 'Content-Type sent twice', expect: [{ status: 415 }, ...INVALID], build: (s) => ({ ...strip(s), headers: [...s.headers, ['content-type', 'application/json']] }) },
          { label: 'Content-Type of 16 KB', expect: [{ status: 415 }, ...INVALID], build: (s) => ({ ...strip(s), headers: replaced(s.headers, 'content-type', `application/json;${'p=1;'.repeat(4096)}`) }) },
        )
      } else {
        list.push({ label: 'a Content-Type added', expect: unauthorized('SIGNATURE_MALFORMED'), build: (s) => ({ ...strip(s), headers: [...s.headers, ['content-type', 'application/json']] }) })
      }
      if (isAgent) {
        const token = options.agentToken
        const auth = (value: string | undefined) => (s: SignedRequest) => ({ ...strip(s), headers: value === undefined ? without(s.headers, 'authorization') : replaced(s.headers, 'authorization', value) })
        list.push(
          ...(
            [
              ['Authorization dropped', undefined],
              ['Authorization empty', ''],
              ['Authorization of another token', `Bearer ${token.replace(/.$/, 'x')}`],
              ['Authorization in lower case', `bearer ${token}`],
              ['Authorization with two spaces', `Bearer  ${token}`],
              ['Authorization without its scheme', token],
              ['Authorization Basic', `Basic ${Buffer.from(`agent:${token}`).toString('base64')}`],
              ['Authorization truncated', `Bearer ${token.slice(0, -1)}`],
              ['Authorization with a suffix', `Bearer ${token}x`],
              ['Authorization of 64 KB', `Bearer ${'t'.repeat(64 * 1024)}`],
              ['Authorization in UTF-8', `Bearer ${latin1(`${token}🔑`)}`],
            ] as const
          ).map(([label, value]): Mutation => ({ label, expect: unauthorized().concat([{ status: 401, codes: ['UNAUTHORIZED'] }]), mayClaim: true, build: auth(value) })),
          { label: 'Authorization sent twice', expect: [{ status: 401, codes: ['UNAUTHORIZED'] }], mayClaim: true, build: (s) => ({ ...strip(s), headers: [...s.headers, ['authorization', `Bearer ${token}`]] }) },
        )
      }
      return list
    }

    function resignedMutations(): Resigned[] {
      const key = (owner: string) => other.key(owner)
      const base = ['@method', '@target-uri', 'content-digest', ...(hasBody ? ['content-type'] : [])]
      const list: Resigned[] = [
        ...['created', 'expires', 'keyid', 'nonce', 'alg', 'tag'].map((name): Resigned => ({ label: `without ${name}`, expect: MALFORMED, options: () => ({ parameters: { [name]: undefined } }) })),
        ...base.map((component): Resigned => ({ label: `without ${component}`, expect: MALFORMED, options: () => ({ components: base.filter((c) => c !== component) }) })),
        { label: 'over @path instead of @target-uri', expect: MALFORMED, options: () => ({ components: base.map((c) => (c === '@target-uri' ? '@path' : c)) }) },
        { label: 'as hmac-sha256', expect: MALFORMED, options: () => ({ algorithm: 'hmac-sha256', parameters: { alg: 'hmac-sha256' } }) },
        { label: 'as rsa-pss-sha512', expect: MALFORMED, options: () => ({ algorithm: 'rsa-pss-sha512', parameters: { alg: 'rsa-pss-sha512' } }) },
        { label: 'with the tag fluidos', expect: MALFORMED, options: () => ({ parameters: { tag: 'fluidos' } }) },
        { label: 'with the label sig1', expect: MALFORMED, options: () => ({ label: 'sig1' }) },
        { label: 'valid for an hour', expect: MALFORMED, options: () => ({ parameters: { expires: nowSeconds() + 3600 } }) },
        { label: 'valid for 61 s', expect: MALFORMED, options: () => ({ parameters: { expires: nowSeconds() + SIGNATURE_VALIDITY_SECONDS + 1 } }) },
        { label: 'expiring before it was created', expect: EXPIRED, options: () => ({ parameters: { expires: nowSeconds() - 3600 } }) },
        { label: 'created an hour ahead', expect: EXPIRED, options: () => ({ parameters: { created: nowSeconds() + 3600, expires: nowSeconds() + 3600 + 30 } }) },
        { label: 'created 31 s ahead', expect: EXPIRED, options: () => ({ parameters: { created: nowSeconds() + 31, expires: nowSeconds() + 61 } }) },
        { label: 'created 91 s ago', expect: EXPIRED, options: () => ({ parameters: { created: nowSeconds() - 91, expires: nowSeconds() - 31 } }) },
        { label: 'created an hour ago', expect: EXPIRED, options: () => ({ parameters: { created: nowSeconds() - 3600, expires: nowSeconds() - 3540 } }) },
        { label: 'created at -1', expect: EXPIRED, options: () => ({ parameters: { created: -1, expires: 59 } }) },
        { label: 'created at 0', expect: EXPIRED, options: () => ({ parameters: { created: 0, expires: 60 } }) },
        { label: 'created at the largest structured integer', expect: EXPIRED, options: () => ({ parameters: { created: 999_999_999_999_999, expires: 999_999_999_999_999 } }) },
        { label: 'with a 15-character nonce', expect: MALFORMED, options: () => ({ parameters: { nonce: 'A'.repeat(15) } }) },
        { label: 'with a 65-character nonce', expect: MALFORMED, options: () => ({ parameters: { nonce: 'A'.repeat(65) } }) },
        { label: 'with a nonce of symbols', expect: MALFORMED, options: () => ({ parameters: { nonce: '!!!!!!!!!!!!!!!!!!!!' } }) },
        { label: 'with an empty nonce', expect: MALFORMED, options: () => ({ parameters: { nonce: '' } }) },
        { label: 'for another host', expect: INVALID, options: (r) => ({ signedUrl: `http://evil.example:30001${r.path}` }) },
        { label: 'for https', expect: INVALID, options: (r) => ({ signedUrl: `${signer.selfUrl.replace('http:', 'https:')}${r.path}` }) },
        { label: 'for another path', expect: INVALID, options: (r) => ({ signedUrl: `${signer.selfUrl}${r.path.replace(/\/[^/?]+(\?|$)/, '/other$1')}` }) },
        { label: 'for another method', expect: INVALID, options: (r) => ({ signedMethod: r.method === 'POST' ? 'PUT' : 'POST' }) },
        { label: 'by an unknown key', expect: UNKNOWN_KEY, options: () => ({ key: unknownKey }) },
        { label: 'by an unknown key under a registered keyid', expect: INVALID, options: (r) => ({ key: { jwk: unknownKey.jwk, keyId: key(r.signer).keyId } }) },
        { label: 'by a lapsed key', expect: UNKNOWN_KEY, options: () => ({ key: key(options.retiredPeer) }) },
        { label: 'by the participant’s own keyid', expect: UNKNOWN_KEY, options: (r) => ({ key: { jwk: key(r.signer).jwk, keyId: options.selfKeyId } }) },
        { label: isAgent ? 'by a peer on the agent API' : 'by the agent on the peer API', expect: UNKNOWN_KEY, options: () => ({ key: key(isAgent ? options.otherPeer : 'agent') }) },
        { label: 'under another peer’s keyid', expect: isAgent ? UNKNOWN_KEY : INVALID, options: (r) => ({ key: { jwk: key(r.signer).jwk, keyId: key(options.otherPeer).keyId } }) },
        { label: 'with a sha-512 Content-Digest only', expect: DIGEST, options: (r) => ({ contentDigest: `sha-512=:${createHash('sha512').update(bodyOf(r)).digest('base64')}:` }) },
        { label: 'with a wrong Content-Digest', expect: DIGEST, options: () => ({ contentDigest: `sha-256=:${createHash('sha256').update('fuzz').digest('base64')}:` }) },
        { label: 'with an empty Content-Digest', expect: DIGEST, options: () => ({ contentDigest: 'sha-256=::' }) },
        {
          label: 'with a wrong sha-256 digest before the right one',
          expect: DIGEST,
          options: (r) => ({ contentDigest: `sha-256=:${createHash('sha256').update('fuzz').digest('base64')}:, ${contentDigest(new TextEncoder().encode(bodyOf(r)))}` }),
        },
        {
          label: 'with a wrong sha-256 digest after the right one',
          expect: DIGEST,
          options: (r) => ({ contentDigest: `${contentDigest(new TextEncoder().encode(bodyOf(r)))}, sha-256=:${createHash('sha256').update('fuzz').digest('base64')}:` }),
        },
        {
          label: 'with the right digest smuggled in a parameter',
          expect: DIGEST,
          options: (r) => ({ contentDigest: `sha-512=:${randomBytes(64).toString('base64')}:;x=${contentDigest(new TextEncoder().encode(bodyOf(r)))}` }),
        },
      ]
      if (route.writes && !isAgent) {
        list.push({ label: 'by another peer in its own name', expect: [{ status: 403 }, { status: 404 }], mayClaim: true, options: () => ({ key: key(options.otherPeer) }) })
      }
      return list
    }

    function nowSeconds() {
      return Math.floor(signer.clock.now().getTime() / 1000)
    }
  }
  return requests
}

/** The same JSON with the keys of every object in reverse order. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)]))
}

const bodyOf = (route: SignedRoute) => (route.body === undefined ? '' : JSON.stringify(route.body))
const createdOf = (signed: SignedRequest) => Number(/;created=(-?\d+)/.exec(find(signed.headers, 'signature-input')!)![1])
const strip = ({ method, url, headers, body }: WireRequest): WireRequest => ({ method, url, headers, ...(body === undefined ? {} : { body }) })

/** Sends a wire request to a Hono app, answering what it says; a request the runtime itself refuses to build is reported as such. */
export async function sendWire(app: { request: (input: Request) => Response | Promise<Response> }, wire: WireRequest): Promise<{ status: number; body: string }> {
  let request: Request
  try {
    const headers = new Headers()
    for (const [name, value] of wire.headers) headers.append(name, value)
    request = new Request(wire.url, { method: wire.method, headers, ...(wire.body === undefined ? {} : { body: wire.body }) })
  } catch (error) {
    return { status: 0, body: `unsendable: ${(error as Error).message}` }
  }
  const response = await app.request(request)
  return { status: response.status, body: await response.text() }
}
