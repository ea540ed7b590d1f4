import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { kubeconfigFor } from './kubeconfig.ts'
import type { KubeConfigOptions } from './kubeconfig.ts'
import { createHandler } from './server.ts'
import type { RecordedRequest } from './server.ts'
import { FakeKubeStore } from './store.ts'
import type { ChangeHook } from './store.ts'
import type { OpenWatch } from './watch.ts'

export type { ChangeEvent, ChangeHook, ObjectRef } from './store.ts'
export type { KubeObject } from './selectors.ts'
export { parseFieldSelector, parseLabelSelector } from './selectors.ts'
export { RESOURCE_TYPES } from './resources.ts'
export type { ResourceType } from './resources.ts'
export { FakeKubeStore } from './store.ts'
export { LIQO_DEFAULT_SLICE_RESOURCES, simulateLiqo } from './liqo-simulator.ts'
export type { LiqoFailures, LiqoSimulated, LiqoSimulatorOptions } from './liqo-simulator.ts'
export { LIQO_AUTHENTICATION_KEYS, LIQO_DEFAULT_GATEWAY_PORT } from './liqo-peering.ts'

/** How to start a fake API server. */
export interface FakeKubeOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number
  /** Bearer token every request must carry; absent means no authentication. */
  token?: string
  /** Events kept for watches that resume from a resourceVersion; older ones get 410 Gone. Default 1000. */
  historyWindow?: number
  /** Interval between BOOKMARK events on watches that allow them. Default 1000 ms. */
  bookmarkIntervalMs?: number
  /** Clock for creationTimestamp and deletionTimestamp. */
  now?: () => Date
}

/** A running fake API server. */
export interface FakeKube {
  url: string
  kubeconfig: { options: KubeConfigOptions; yaml: string }
  store: FakeKubeStore
  /** Runs a hook after every write, for simulated controllers. Returns its unregistration. */
  onChange(hook: ChangeHook): () => void
  /** Every request served so far, in order. */
  requests: RecordedRequest[]
  /** Ends every open watch cleanly, as a dropped connection does; clients resume from their last resourceVersion. */
  dropWatches(): void
  /** Drops every open watch and holds new ones until the returned release is called, as a network partition does. */
  holdWatches(): () => void
  /** Ends every open watch with an in-stream ERROR 410, forcing informers to relist. */
  expireWatches(): void
  stop(): Promise<void>
}

/** Starts an in-memory Kubernetes API server that the real `@kubernetes/client-node` can talk to, for tests and local mode. */
export const startFakeKube = async (options: FakeKubeOptions = {}): Promise<FakeKube> => {
  const store = new FakeKubeStore({ historyWindow: options.historyWindow ?? 1000, now: options.now ?? (() => new Date()) })
  const watches = new Set<OpenWatch>()
  const requests: RecordedRequest[] = []
  let gate: { promise: Promise<void>; release: () => void } | undefined
  const handlerOptions = {
    ...(options.token === undefined ? {} : { token: options.token }),
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    watchGate: () => gate?.promise ?? Promise.resolve(),
  }
  const handler = createHandler(store, handlerOptions, watches, requests)
  const server = createServer((req, res) => void handler(req, res))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    kubeconfig: kubeconfigFor(url, options.token),
    store,
    onChange: (hook) => store.onChange(hook),
    requests,
    dropWatches: () => [...watches].forEach((w) => w.close()),
    holdWatches: () => {
      if (!gate) {
        let release = () => {}
        const promise = new Promise<void>((resolve) => (release = resolve))
        gate = { promise, release }
      }
      for (const w of [...watches]) w.close()
      const held = gate
      return () => {
        if (gate === held) gate = undefined
        held.release()
      }
    },
    expireWatches: () => [...watches].forEach((w) => w.expire()),
    stop: async () => {
      gate?.release()
      gate = undefined
      for (const w of [...watches]) w.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
