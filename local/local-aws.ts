/** The region the emulators are addressed in; any works, the SDK only needs one. */
export const LOCAL_REGION = 'us-east-1'

/** Dummy credentials: the emulators accept any, but the SDK refuses to sign without some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }

const LOCAL_QUEUE_URL = /^(https?):\/\/(?:sqs\.([a-z0-9-]+)\.)?(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::(\d+))?\//i

/**
 * The emulator endpoint and region behind a queue URL of the local federation, or undefined for any
 * other URL. fauxqs names its queues `http://sqs.<region>.127.0.0.1:<port>/<account>/<name>`, a host
 * nothing resolves (and that WHATWG URL parsing rejects), so tools given such a URL must talk to
 * `http://127.0.0.1:<port>` instead.
 */
export function localSqsEndpoint(queueUrl: string): { endpoint: string; region: string } | undefined {
  const match = LOCAL_QUEUE_URL.exec(queueUrl)
  if (!match) return undefined
  const [, protocol, region, host, port] = match
  return { endpoint: `${protocol}://${host}${port ? `:${port}` : ''}`, region: region ?? LOCAL_REGION }
}
