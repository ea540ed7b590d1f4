/** What one simulation run is asked to do; every figure in its result follows from these and the seed. */
export interface SimulationOptions {
  /** Participants in all: supernodes (one per domain), catalogs and nodes. */
  participants: number
  domains: number
  seed: number
  /** Relays a discovery may take (DiscoverySettings.hopLimit). */
  hopLimit: number
  /** Mean round trip of one relay over one peer link (request there, answer back), in virtual ms. */
  latencyMs: number
  /** Each link's round trip is the mean × (1 ± up to this fraction), drawn once per link. */
  jitter: number
  /** Chance that a call to a peer (relay request or chain message) goes unanswered: the caller waits its timeout. */
  failureRate: number
  /** Consumers that run a discovery. */
  consumers: number
  /** Of those, how many then reserve and purchase the best result along its route. */
  chains: number
  /** Mean number of supernode peers per supernode (the graph is connected whatever this is). */
  degree: number
  /** Catalogs, which providers publish to and some supernodes ask; 0 picks one per 25 domains. */
  catalogs: number
  /** Per-peer timeout of a fan-out (DiscoverySettings.peerTimeoutMs), in virtual ms. */
  peerTimeoutMs: number
  /** Ask every peer on the way instead of answering from what was learnt (the flood, worst case). */
  fresh: boolean
  /**
   * What-if, not today's core: a relay answers only with results whose route from it fits the hops
   * the request has left (at most hopsLeft + 2 participants), the ones its asker's origin can keep.
   */
  trimRoutes: boolean
}

export const DEFAULT_OPTIONS: SimulationOptions = {
  participants: 1000,
  domains: 100,
  seed: 1,
  hopLimit: 4,
  latencyMs: 50,
  jitter: 0.2,
  failureRate: 0.01,
  consumers: 100,
  chains: 100,
  degree: 4,
  catalogs: 0,
  peerTimeoutMs: 2000,
  fresh: true,
  trimRoutes: false,
}

/** How many catalogs a run has: as asked, or one per 25 domains (at least one). */
export const catalogCount = (options: Pick<SimulationOptions, 'catalogs' | 'domains'>): number =>
  options.catalogs > 0 ? options.catalogs : Math.max(1, Math.round(options.domains / 25))

/** Why these options cannot make a federation, or undefined when they can. */
export function optionsProblem(options: SimulationOptions): string | undefined {
  const whole = (name: string, value: number, min: number) => (Number.isInteger(value) && value >= min ? undefined : `${name} must be an integer ≥ ${min}, not ${value}`)
  const problem =
    whole('--participants', options.participants, 3) ??
    whole('--domains', options.domains, 1) ??
    whole('--seed', options.seed, 0) ??
    whole('--hop-limit', options.hopLimit, 1) ??
    whole('--consumers', options.consumers, 1) ??
    whole('--chains', options.chains, 0) ??
    whole('--catalogs', options.catalogs, 0) ??
    whole('--peer-timeout-ms', options.peerTimeoutMs, 100)
  if (problem) return problem
  if (!(options.latencyMs >= 0 && options.latencyMs <= 10_000)) return `--latency-ms must be between 0 and 10000, not ${options.latencyMs}`
  if (!(options.jitter >= 0 && options.jitter < 1)) return `--jitter must be in [0, 1), not ${options.jitter}`
  if (!(options.failureRate >= 0 && options.failureRate < 1)) return `--failure-rate must be in [0, 1), not ${options.failureRate}`
  if (!(options.degree >= 1)) return `--degree must be at least 1, not ${options.degree}`
  if (options.hopLimit > 16) return `--hop-limit must be at most 16 (the relay wire's bound), not ${options.hopLimit}`
  const nodes = options.participants - options.domains - catalogCount(options)
  if (nodes < 2 * options.domains) {
    return `${options.participants} participants leave ${nodes} nodes for ${options.domains} domains and ${catalogCount(options)} catalogs: each domain needs at least two nodes besides its supernode`
  }
  if (options.chains > options.consumers) return `--chains (${options.chains}) cannot exceed --consumers (${options.consumers})`
  return undefined
}
