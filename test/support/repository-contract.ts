import type { FlavourRepository } from '../../core/flavours/ports.ts'
import type { ReservationRepository } from '../../core/reservations/ports.ts'
import type { ContractRepository } from '../../core/contracts/ports.ts'
import type { PeerRepository } from '../../core/peers/ports.ts'
import type { PublishedFlavourRepository, RemoteFlavourRepository } from '../../core/discovery/ports.ts'
import { DynamoFlavourRepository } from '../../adapters/dynamo/dynamo-flavour-repository.ts'
import { DynamoReservationRepository } from '../../adapters/dynamo/dynamo-reservation-repository.ts'
import { DynamoContractRepository } from '../../adapters/dynamo/dynamo-contract-repository.ts'
import { DynamoPeerRepository } from '../../adapters/dynamo/dynamo-peer-repository.ts'
import { DynamoRemoteFlavourRepository } from '../../adapters/dynamo/dynamo-remote-flavour-repository.ts'
import type { HopRepository } from '../../core/chain/ports.ts'
import { DynamoHopRepository } from '../../adapters/dynamo/dynamo-hop-repository.ts'
import { InMemoryHops } from './in-memory-hops.ts'
import { createTestTable } from './dynamo-test-table.ts'
import { InMemoryPeers, InMemoryRemoteFlavours } from './in-memory-discovery.ts'
import { InMemoryProviderStore } from './in-memory-provider-store.ts'

/** The storage ports of one participant, empty: what every case of the repository contract starts from. */
export interface Repositories {
  flavours: FlavourRepository
  reservations: ReservationRepository
  contracts: ContractRepository
  peers: PeerRepository
  candidates: RemoteFlavourRepository
  published: PublishedFlavourRepository
  hops: HopRepository
}

/** One implementation of the storage ports; the contract suite runs the same cases on each, so the fakes cannot drift. */
export interface RepositoryImplementation {
  name: string
  create(): Promise<Repositories>
}

export const inMemoryRepositories: RepositoryImplementation = {
  name: 'the in-memory fakes',
  create: async () => {
    const store = new InMemoryProviderStore()
    return {
      flavours: store.flavourRepository,
      reservations: store.reservationRepository,
      contracts: store.contractRepository,
      peers: new InMemoryPeers(),
      candidates: new InMemoryRemoteFlavours(),
      published: new InMemoryRemoteFlavours(),
      hops: new InMemoryHops(store.contracts),
    }
  },
}

/** The DynamoDB adapters on a fresh table of DynamoDB Local (integration project only: it needs the emulator). */
export const dynamoRepositories: RepositoryImplementation = {
  name: 'DynamoDB Local',
  create: async () => {
    const table = await createTestTable('contract')
    return {
      flavours: new DynamoFlavourRepository(table),
      reservations: new DynamoReservationRepository(table),
      contracts: new DynamoContractRepository(table),
      peers: new DynamoPeerRepository(table),
      candidates: new DynamoRemoteFlavourRepository(table, 'CAND'),
      published: new DynamoRemoteFlavourRepository(table, 'PUB'),
      hops: new DynamoHopRepository(table),
    }
  },
}
