/** Node: capacity this cluster sold. VirtualNode: capacity this cluster bought and sees as a virtual node. */
export type AllocationType = 'Node' | 'VirtualNode'

/** inactive → active (peering done) → released (tear-down); error is terminal. */
export type AllocationStatus = 'inactive' | 'active' | 'released' | 'error'

export interface Allocation {
  id: string
  type: AllocationType
  status: AllocationStatus
  contractId: string
  flavourId: string
  /** Why it is in `error`, or what the agent last said of it. */
  detail?: string
  createdAt: Date
  updatedAt: Date
}
