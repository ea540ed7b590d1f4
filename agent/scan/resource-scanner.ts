import type { Informer, KubeConfig, KubernetesObject, ObjectCache, V1Node, V1Pod } from '@kubernetes/client-node'
import { CoreV1Api, makeInformer } from '@kubernetes/client-node'
import type { AgentConfig } from '../config.ts'
import type { PublishFlavours, RescanTimers } from './debounced-rescan.ts'
import { DebouncedRescan } from './debounced-rescan.ts'
import type { NodeCommitment } from './flavours-from-cluster.ts'
import { flavoursFromCluster } from './flavours-from-cluster.ts'

/** Wait before restarting an informer whose list or watch failed (a 410 Gone relists by itself). */
export const DEFAULT_INFORMER_RESTART_MS = 1_000

/** The cluster to follow and the participant port to publish to; clock, timers and delays are injectable for tests. */
export interface ResourceScannerOptions {
  kubeConfig: KubeConfig
  config: AgentConfig
  publish: PublishFlavours
  /** Capacity held or sold but not yet visible as pod requests; call {@link ResourceScanner.changed} when it changes. */
  commitments?: () => readonly NodeCommitment[]
  onError?: (error: unknown) => void
  now?: () => Date
  timers?: RescanTimers
  debounceMs?: number
  restartMs?: number
}

type Cached<T extends KubernetesObject> = Informer<T> & ObjectCache<T>

const realTimers: RescanTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/**
 * The Local Resource Manager's scan: informers (list, then watch from the last resourceVersion) on
 * Nodes and Pods keep a cache of the cluster, and each change leads, debounced, to the node flavours
 * being recomputed and published with the ids of nodes that are gone or no longer eligible.
 */
export class ResourceScanner {
  private readonly nodes: Cached<V1Node>
  private readonly pods: Cached<V1Pod>
  private readonly rescan: DebouncedRescan
  private readonly timers: RescanTimers
  private readonly restarts = new Set<unknown>()
  private readonly listed = new Set<string>()
  private markReady!: () => void
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve))
  private stopped = false

  constructor(private readonly options: ResourceScannerOptions) {
    const core = options.kubeConfig.makeApiClient(CoreV1Api)
    this.timers = options.timers ?? realTimers
    this.nodes = makeInformer<V1Node>(options.kubeConfig, '/api/v1/nodes', () => core.listNode().then(this.listedAs('nodes')))
    this.pods = makeInformer<V1Pod>(options.kubeConfig, '/api/v1/pods', () => core.listPodForAllNamespaces().then(this.listedAs('pods')))
    const now = options.now ?? (() => new Date())
    this.rescan = new DebouncedRescan({
      debounceMs: options.debounceMs ?? options.config.scan.debounceMs,
      timers: this.timers,
      scan: () =>
        flavoursFromCluster({ nodes: this.nodes.list(), pods: this.pods.list(), commitments: options.commitments?.() ?? [] }, options.config, now()),
      publish: options.publish,
      onError: (error) => this.report(error),
    })
    for (const informer of [this.nodes, this.pods] as Cached<KubernetesObject>[]) {
      informer.on('change', () => {
        if (this.listed.size === 2) this.rescan.changed()
      })
      informer.on('error', (error: unknown) => this.restart(informer, error))
    }
  }

  /**
   * Lists Nodes and Pods, publishes the flavours they give, then follows their changes. Resolves
   * once both lists have succeeded (a failed list is retried), so a cluster not yet read is never
   * published as empty.
   */
  async start(): Promise<void> {
    this.stopped = false
    await Promise.all([this.nodes.start(), this.pods.start()])
    await this.ready
    await this.rescan.flush()
  }

  /** The commitments changed: publish again without waiting for a cluster change. */
  changed(): void {
    this.rescan.changed()
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const handle of this.restarts) this.timers.clearTimeout(handle)
    this.restarts.clear()
    this.rescan.stop()
    this.markReady()
    await Promise.all([this.nodes.stop(), this.pods.stop()])
  }

  private listedAs<L>(kind: string): (list: L) => L {
    return (list) => {
      this.listed.add(kind)
      if (this.listed.size === 2) this.markReady()
      return list
    }
  }

  private restart(informer: Cached<KubernetesObject>, error: unknown): void {
    this.report(error)
    if (this.stopped) return
    const handle = this.timers.setTimeout(() => {
      this.restarts.delete(handle)
      if (!this.stopped) informer.start().catch((failure: unknown) => this.restart(informer, failure))
    }, this.options.restartMs ?? DEFAULT_INFORMER_RESTART_MS)
    this.restarts.add(handle)
  }

  private report(error: unknown): void {
    this.options.onError?.(error)
  }
}
