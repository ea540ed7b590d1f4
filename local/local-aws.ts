/** The region the emulators are addressed in; any works, the SDK only needs one. */
export const LOCAL_REGION = 'us-east-1'

/** Dummy credentials: the emulators accept any, but the SDK refuses to sign without some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/**
 * The emulator endpoint and region behind a queue URL of the local federation, or undefined for any
 * other URL. fauxqs names its queues `http://sqs.<region>.127.0.0.1:<port>/<account>/<name>`, a host
 * nothing resolves, so tools given such a URL must talk to `http://127.0.0.1:<port>` instead.
 */
export function localSqsEndpoint(queueUrl: string): { endpoint: string; region: string } | undefined {
  let url: URL
  try {
    url = new URL(queueUrl)
  } catch {
    return undefined
  }
  const match = /^(?:sqs\.([a-z0-9-]+)\.)?(.+)$/i.exec(url.hostname)
  const host = match?.[2] ?? ''
  if (!LOOPBACK.test(host)) return undefined
  return { endpoint: `${url.protocol}//${host}${url.port ? `:${url.port}` : ''}`, region: match?.[1] ?? LOCAL_REGION }
}
