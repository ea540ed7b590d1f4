import type { Clock, IdGenerator, Logger } from '../shared/ports.ts'
import type { NodeIdentity } from '../flavours/model.ts'
import type { PeerRepository } from '../peers/ports.ts'
import type { RemoteFlavourRepository } from '../discovery/ports.ts'
import type { ReserveDeps } from '../reservations/reserve-flavour.ts'
import type { PurchaseDeps } from '../contracts/purchase-flavour.ts'
import type { ChainSettings } from './hop-machine.ts'
import type { AgentCommands, ChainQueue, ChainTransport, GoProviderClient, HopRepository } from './ports.ts'

export type { ChainSettings }

/** Everything a participant needs to take part in reservation chains, in any position. */
export interface ChainDeps {
  self: NodeIdentity
  /** This participant's public base URL, sent with every chain message so neighbours can answer it. */
  selfUrl?: string
  hops: HopRepository
  peers: PeerRepository
  transport: ChainTransport
  queue: ChainQueue
  goProviders: GoProviderClient
  agent: AgentCommands
  /** What this participant learnt from others (candidates, publications), forgotten when a chain finds it sold or gone. */
  learnt?: RemoteFlavourRepository[]
  /** The provider end: the same use cases as the REAR provider API. */
  reserve: ReserveDeps
  purchase: PurchaseDeps
  clock: Clock
  ids: IdGenerator
  logger: Logger
  settings: ChainSettings
}
