import type { Configuration, Flavour } from '../flavours/model.ts'
import type { Quantity } from '../quantity/quantity.ts'
import { isK8Slice, isService } from '../flavours/model.ts'
import type { QuantityFilter, Selector } from '../flavours/selector.ts'
import { matchesSelector } from '../flavours/selector.ts'
import type { RemoteFlavour } from '../discovery/model.ts'
import type { CandidateFacts } from './rank-candidates.ts'
import { sizedTo } from './rank-candidates.ts'
import type { IntentNeed } from './model.ts'

const atLeast = (min: Quantity): QuantityFilter => ({ kind: 'range', min })

/**
 * The Node Orchestrator's decomposition (seed step 2): one need becomes one flavour selector. Every
 * quantity is a lower bound; a service's first tag goes into the selector (FLUIDOS filters one tag),
 * the others are checked by {@link satisfies}.
 */
export function selectorOf(need: IntentNeed): Selector {
  if (need.type === 'service') {
    return { type: 'service', strings: { category: { kind: 'match', value: need.category }, ...(need.tags[0] ? { tags: { kind: 'match', value: need.tags[0] } } : {}) } }
  }
  return {
    type: 'k8slice',
    quantities: {
      cpu: atLeast(need.cpu),
      memory: atLeast(need.memory),
      ...(need.pods ? { pods: atLeast(need.pods) } : {}),
      ...(need.storage ? { storage: atLeast(need.storage) } : {}),
      ...(need.gpu ? { gpu: atLeast(need.gpu.count) } : {}),
    },
    strings: {
      ...(need.architecture ? { architecture: { kind: 'match', value: need.architecture } } : {}),
      ...(need.gpu?.model ? { gpuModel: { kind: 'match', value: need.gpu.model } } : {}),
    },
  }
}

/** Whether a flavour serves the need: its selector, and every tag of a service need. */
export const satisfies = (flavour: Flavour, need: IntentNeed): boolean =>
  matchesSelector(flavour, selectorOf(need)) && (need.type !== 'service' || (isService(flavour) && need.tags.every((tag) => flavour.spec.tags.includes(tag))))

/** A one-line summary of the need, for the timeline. */
export function describeNeed(need: IntentNeed): string {
  if (need.type === 'service') return `service ${need.category}${need.tags.length ? ` [${need.tags.join(', ')}]` : ''}`
  const parts = [`cpu ≥ ${need.cpu}`, `memory ≥ ${need.memory}`, `pods ≥ ${need.pods ?? '1'}`]
  if (need.architecture) parts.unshift(need.architecture)
  if (need.gpu) parts.push(`gpu ≥ ${need.gpu.count}${need.gpu.model ? ` ${need.gpu.model}` : ''}`)
  if (need.storage) parts.push(`storage ≥ ${need.storage}`)
  return `k8slice ${parts.join(', ')}`
}

/** What to buy of a flavour for the need: the smallest cut the flavour sells that covers it (as ranking sizes it). */
export function configurationFor(flavour: Flavour, need: IntentNeed): Configuration {
  if (need.type === 'service' || !isK8Slice(flavour)) {
    return { type: 'service', configurationData: need.type === 'service' ? (need.configuration ?? {}) : {} }
  }
  const sized = sizedTo(flavour, need)
  const offered = flavour.spec.characteristics.gpu
  return {
    type: 'k8slice',
    ...sized,
    ...(need.gpu && offered ? { gpu: { model: offered.model, cores: need.gpu.count, memory: offered.memory } } : {}),
    ...(need.storage ? { storage: need.storage } : {}),
  }
}

/** A Peering Candidate as ranking reads it. */
export const factsOf = (entry: RemoteFlavour): CandidateFacts => ({
  flavour: entry.flavour,
  providerId: entry.flavour.owner.id || entry.flavour.providerId,
  route: entry.route,
  seenAt: entry.seenAt,
})

