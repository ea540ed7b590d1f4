import type { PurchaseDeps } from '../core/contracts/purchase-flavour.ts'
import type { ReserveDeps } from '../core/reservations/reserve-flavour.ts'

/** Everything both use cases need: the purchase's dependencies plus the reservation lifetime. */
export type UseCaseDepsInput = PurchaseDeps & Pick<ReserveDeps, 'transactionTtlMs' | 'maxHoldsPerBuyer'>

/** The provider's reserve and purchase dependencies, built once so the REST API and the chain's provider hop share them. */
export function useCaseDeps(input: UseCaseDepsInput): { reserve: ReserveDeps; purchase: PurchaseDeps } {
  const { self, flavours, reservations, contracts, cluster, clock, ids, logger, transactionTtlMs, contractTtlMs, maxHoldsPerBuyer } = input
  const reserve: ReserveDeps = { flavours, reservations, clock, ids, logger, transactionTtlMs, ...(maxHoldsPerBuyer ? { maxHoldsPerBuyer } : {}) }
  const purchase: PurchaseDeps = { ...reserve, contracts, cluster, self, contractTtlMs }
  return { reserve, purchase }
}
