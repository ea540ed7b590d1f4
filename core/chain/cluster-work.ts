import { ConflictError, NotFoundError } from '../shared/errors.ts'
import { retryOnContention } from '../shared/retry.ts'
import type { AgentCommandBody, PeeringMessage } from '../cluster/cluster-commands.ts'
import { PEERING_SENDER } from '../cluster/cluster-commands.ts'
import type { ChainDeps } from './chain-deps.ts'
import type { Hop, OriginHop, PeeringStatus, TimelineEvent, WorkloadStatus } from './model.ts'
import { applyEvent, drainOutbox } from './run-hop.ts'
import { roleOf } from './hop-machine.ts'
import type { HopEffects } from './ports.ts'


async function endHop(deps: ChainDeps, chainId: string): Promise<Hop> {
  const hop = await deps.hops.get(chainId)
  if (!hop || !roleOf(hop)) throw new NotFoundError('Contract chain', chainId, { code: 'OPERATION_NOT_FOUND' })
  return hop
}

const released = (hop: Hop) =>
  new ConflictError(`Chain ${hop.chainId} is ${hop.state}: nothing to do for its contract`, { code: 'CONTRACT_NOT_ACTIVE', details: { state: hop.state } })

/**
 * Hands one step of this end's declarative Liqo peering to the other end, along the chain's route.
 * Only the step's sender side may send it, and only while the contract stands. Sending it twice
 * sends it twice: the other agent's steps are idempotent.
 */
export async function handOverPeering(deps: ChainDeps, chainId: string, message: PeeringMessage): Promise<Hop> {
  const hop = await endHop(deps, chainId)
  if (hop.state !== 'purchased') throw released(hop)
  if (roleOf(hop) !== PEERING_SENDER[message.step]) {
    throw new ConflictError(`The ${roleOf(hop)} does not send ${message.step}`, { code: 'PEERING_STEP_NOT_YOURS' })
  }
  return (await applyEvent(deps, chainId, { type: 'PEERING_OUT', ...message })) ?? hop
}

/** Saves `change` of an end hop (a conditional write at the version read), with its effects; retried on contention. */
async function updateEnd(deps: ChainDeps, chainId: string, change: (hop: Hop) => { hop: Hop; effects?: HopEffects } | undefined): Promise<Hop> {
  const saved = await retryOnContention(deps.clock, async () => {
    const hop = await endHop(deps, chainId)
    const next = change(hop)
    if (!next) return hop
    const updated = { ...next.hop, updatedAt: deps.clock.now(), version: hop.version + 1 }
    await deps.hops.save(updated, hop.version, next.effects)
    return updated
  })
  if (saved.outbox.length) await drainOutbox(deps, chainId, saved)
  return saved
}

const noted = (hop: Hop, at: Date, event: TimelineEvent, detail?: string): Hop => ({ ...hop, timeline: [...hop.timeline, { at, event, ...(detail ? { detail } : {}) }] })

async function allocationOf(deps: ChainDeps, hop: Hop): Promise<string | undefined> {
  if (hop.position === 'origin') return hop.allocationId
  if (hop.position !== 'provider' || !hop.transactionId) return undefined
  return (await deps.reserve.reservations.getTransaction(hop.transactionId))?.allocationId
}

/**
 * The agent's word on this end's peering (seed steps 34–35): `active` once its side is ready (the
 * consumer's virtual node Ready, the provider's Tenant and gateway up), `error` with the reason. The
 * end's allocation follows in the same write. A report after the contract ended is refused (409).
 */
export async function reportPeering(deps: ChainDeps, chainId: string, report: { status: 'active' | 'error'; detail?: string }): Promise<Hop> {
  const first = await endHop(deps, chainId)
  const allocationId = await allocationOf(deps, first)
  return updateEnd(deps, chainId, (hop) => {
    if (hop.state !== 'purchased') throw released(hop)
    if (hop.peering?.status === report.status && hop.peering.detail === report.detail) return undefined
    const at = deps.clock.now()
    const peering: PeeringStatus = { status: report.status, at, ...(report.detail ? { detail: report.detail } : {}) }
    const { peeringDue: _settled, ...rest } = hop
    return {
      hop: noted({ ...rest, peering } as Hop, at, report.status === 'active' ? 'PEERING_ACTIVE' : 'PEERING_FAILED', report.detail),
      ...(allocationId ? { effects: { allocationStatus: { id: allocationId, status: report.status, at, ...(report.detail ? { detail: report.detail } : {}) } } } : {}),
    }
  })
}

const originOf = (hop: Hop): OriginHop => {
  if (hop.position !== 'origin') throw new NotFoundError('Operation', hop.chainId, { code: 'OPERATION_NOT_FOUND' })
  return hop
}

/** Most workloads one contract may have at once; each is a namespace offloaded to its virtual node. */
export const MAX_WORKLOADS = 20

/**
 * Deploys a workload (Kubernetes manifests) onto the contract's virtual node (seed steps 39–41): the
 * consumer's agent offloads its namespace there and reports pod readiness. Asking again with the same
 * name redeploys it; the command is queued with the hop's save, so it is sent exactly when recorded.
 */
export async function deployWorkload(deps: ChainDeps, chainId: string, request: { name: string; manifests: Record<string, unknown>[] }): Promise<Hop> {
  return updateEnd(deps, chainId, (stored) => {
    const hop = originOf(stored)
    if (hop.state !== 'purchased') throw released(hop)
    const workloads = hop.workloads ?? {}
    if (!workloads[request.name] && Object.keys(workloads).length >= MAX_WORKLOADS) {
      throw new ConflictError(`Contract ${chainId} already has ${MAX_WORKLOADS} workloads`, { code: 'TOO_MANY_WORKLOADS' })
    }
    const at = deps.clock.now()
    const command: AgentCommandBody = {
      command: 'DEPLOY_WORKLOAD',
      chainId,
      workloadId: request.name,
      namespace: request.name,
      remoteClusterId: hop.remoteClusterId ?? '',
      manifests: request.manifests,
    }
    return {
      hop: {
        ...noted(hop, at, 'WORKLOAD_REQUESTED', request.name),
        workloads: { ...workloads, [request.name]: { phase: 'pending', readyPods: 0, totalPods: 0, updatedAt: at } },
        outbox: [...hop.outbox, { kind: 'agent', command }],
      },
    }
  })
}

/** Removes a workload from the contract's virtual node; removing one already gone changes nothing. */
export async function removeWorkload(deps: ChainDeps, chainId: string, name: string): Promise<Hop> {
  return updateEnd(deps, chainId, (stored) => {
    const hop = originOf(stored)
    const current = hop.workloads?.[name]
    if (!current) throw new NotFoundError('Workload', name, { code: 'WORKLOAD_NOT_FOUND' })
    if (current.phase === 'removing' || current.phase === 'removed') return undefined
    const at = deps.clock.now()
    const command: AgentCommandBody = { command: 'REMOVE_WORKLOAD', chainId, workloadId: name, namespace: name }
    return {
      hop: {
        ...noted(hop, at, 'WORKLOAD_REMOVAL_REQUESTED', name),
        workloads: { ...hop.workloads, [name]: { ...current, phase: 'removing', updatedAt: at } },
        outbox: [...hop.outbox, { kind: 'agent', command }],
      },
    }
  })
}

/** The agent's word on a workload: phase and pod readiness. A report older than the one kept is dropped. */
export async function reportWorkload(deps: ChainDeps, chainId: string, name: string, report: Omit<WorkloadStatus, 'updatedAt'>): Promise<Hop> {
  return updateEnd(deps, chainId, (stored) => {
    const hop = originOf(stored)
    const current = hop.workloads?.[name]
    if (!current) throw new NotFoundError('Workload', name, { code: 'WORKLOAD_NOT_FOUND' })
    if (current.phase === 'removing' && report.phase !== 'removed' && report.phase !== 'failed') return undefined
    const next: WorkloadStatus = { ...report, updatedAt: deps.clock.now() }
    if (JSON.stringify({ ...current, updatedAt: 0 }) === JSON.stringify({ ...next, updatedAt: 0 })) return undefined
    return { hop: { ...hop, workloads: { ...hop.workloads, [name]: next } } }
  })
}
