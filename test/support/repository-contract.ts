import { dynamoRepositories as repositoriesOn } from '../../functions/composition.ts'
import type { Repositories } from '../../functions/composition.ts'
import { InMemoryHops } from './in-memory-hops.ts'
import { createTestTable } from './dynamo-test-table.ts'
import { InMemoryPeers, InMemoryRemoteFlavours } from './in-memory-discovery.ts'
import { InMemoryProviderStore } from './in-memory-provider-store.ts'
import { InMemoryAgentCommandRecords } from './in-memory-agent-inbox.ts'

/** The storage ports of one participant, empty: what every case of the repository contract starts from. */
export type { Repositories }

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
      hops: new InMemoryHops(store.contracts, store.allocations),
      agentCommands: new InMemoryAgentCommandRecords(),
    }
  },
}

/** The DynamoDB adapters on a fresh table of DynamoDB Local (integration project only: it needs the emulator). */
export const dynamoRepositories: RepositoryImplementation = {
  name: 'DynamoDB Local',
  create: async () => repositoriesOn(await createTestTable('contract')),
}
