import { stringify } from 'yaml'

/** Options for `KubeConfig.loadFromOptions`, kept as plain data because only agent/ imports the Kubernetes client. */
export interface KubeConfigOptions {
  clusters: { name: string; server: string; skipTLSVerify: boolean }[]
  users: { name: string; token?: string }[]
  contexts: { name: string; cluster: string; user: string; namespace: string }[]
  currentContext: string
}

/** A kubeconfig for the fake: plain http, which client-node accepts only with `skipTLSVerify`. */
export const kubeconfigFor = (url: string, token?: string): { options: KubeConfigOptions; yaml: string } => {
  const options: KubeConfigOptions = {
    clusters: [{ name: 'fake-kube', server: url, skipTLSVerify: true }],
    users: [{ name: 'fake-kube', ...(token === undefined ? {} : { token }) }],
    contexts: [{ name: 'fake-kube', cluster: 'fake-kube', user: 'fake-kube', namespace: 'default' }],
    currentContext: 'fake-kube',
  }
  const yaml = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake-kube', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake-kube', user: token === undefined ? {} : { token } }],
    contexts: [{ name: 'fake-kube', context: { cluster: 'fake-kube', user: 'fake-kube', namespace: 'default' } }],
    'current-context': 'fake-kube',
  })
  return { options, yaml }
}
