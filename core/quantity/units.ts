/**
 * The base unit each resource is stored in on the capacity ledger: nano-units per stored unit.
 * cpu in nanocores; memory and storage in bytes; pods and gpu cores as counts. Stored values stay
 * below 2^53 for any real cluster, so JavaScript numbers hold them exactly.
 */
export const NANOS_PER_UNIT = {
  cpu: 1n,
  memory: 1_000_000_000n,
  pods: 1_000_000_000n,
  storage: 1_000_000_000n,
  gpu: 1_000_000n,
  gpuMemory: 1_000_000_000n,
} as const

export type LedgerResource = keyof typeof NANOS_PER_UNIT
export const LEDGER_RESOURCES = Object.keys(NANOS_PER_UNIT) as LedgerResource[]

/** An amount of each ledger resource in its base unit. */
export type ResourceAmounts = Record<LedgerResource, number>
