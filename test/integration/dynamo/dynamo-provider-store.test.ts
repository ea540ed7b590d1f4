import { describe, expect, it } from 'vitest'
import { DynamoFlavourRepository } from '../../../adapters/dynamo/dynamo-flavour-repository.ts'
import { DynamoReservationRepository } from '../../../adapters/dynamo/dynamo-reservation-repository.ts'
import { DynamoContractRepository } from '../../../adapters/dynamo/dynamo-contract-repository.ts'
import { publishFlavour } from '../../../core/flavours/publish-flavour.ts'
import { reserveFlavour } from '../../../core/reservations/reserve-flavour.ts'
import { purchaseFlavour } from '../../../core/contracts/purchase-flavour.ts'
import { releaseExpiredHolds } from '../../../core/reservations/release-expired-holds.ts'
import { CapacityUnavailableError } from '../../../core/reservations/errors.ts'
import { ExpiredError } from '../../../core/shared/errors.ts'
import { randomIds } from '../../../core/shared/random-ids.ts'
import type { K8SliceFlavour } from '../../../core/flavours/model.ts'
import { FakeClock } from '../../support/fake-clock.ts'
import { RecordingLogger } from '../../support/recording-logger.ts'
import { createTestTable } from '../../support/dynamo-test-table.ts'
import { aBuyer, aK8SliceFlavour, aProvider, aReserveRequest } from '../../support/factories.ts'

const HOUR = 3_600_000

describe('DynamoDB provider repositories', () => {
  it('publishes once and lists only available flavours of the asked type', async () => {
    const { flavours } = await setup()
    await publishFlavour(flavours, aK8SliceFlavour())
    await publishFlavour(flavours, aK8SliceFlavour({ cpu: '99' }))
    const listed = await flavours.listAvailable('k8slice')
    expect(listed.map((f) => f.id)).toEqual(['provider.local-k8slice-0001'])
    expect((listed[0] as K8SliceFlavour).spec.characteristics.cpu.toString()).toBe('8')
    expect(await flavours.listAvailable('service')).toEqual([])
  })

  it('reserves, purchases and replaces the flavour by its remainder in one commit', async () => {
    const { deps, flavours } = await setup()
    const tx = await reserveFlavour(deps, aReserveRequest({ cpu: '2', memory: '4Gi', pods: '10' }))
    const contract = await purchaseFlavour(deps, tx.id, {})
    const again = await purchaseFlavour(deps, tx.id, {})
    expect(again).toEqual(contract)
    const [remainder] = (await flavours.listAvailable('k8slice')) as K8SliceFlavour[]
    expect(remainder?.id).not.toBe('provider.local-k8slice-0001')
    expect(remainder?.spec.characteristics.cpu.toString()).toBe('6')
    expect((await flavours.get('provider.local-k8slice-0001'))?.retired).toBe(true)
  })

  it('refuses capacity held by others and reclaims it after expiry', async () => {
    const { deps, clock } = await setup()
    await reserveFlavour(deps, aReserveRequest({ cpu: '8' }))
    const other = aReserveRequest({ cpu: '1', buyer: aBuyer({ id: 'consumer-2' }) })
    await expect(reserveFlavour(deps, other)).rejects.toBeInstanceOf(CapacityUnavailableError)
    clock.advance(HOUR)
    await expect(reserveFlavour(deps, other)).resolves.toMatchObject({ status: 'reserved' })
  })

  it('expires a transaction on purchase and the sweeper frees the others once', async () => {
    const { deps, clock, flavours } = await setup()
    const first = await reserveFlavour(deps, aReserveRequest({ cpu: '2' }))
    await reserveFlavour(deps, aReserveRequest({ cpu: '2', buyer: aBuyer({ id: 'consumer-2' }) }))
    clock.advance(HOUR)
    await expect(purchaseFlavour(deps, first.id, {})).rejects.toBeInstanceOf(ExpiredError)
    const sweep = { reservations: deps.reservations, clock, logger: deps.logger }
    expect(await releaseExpiredHolds(sweep)).toBe(1)
    expect(await releaseExpiredHolds(sweep)).toBe(0)
    expect((await flavours.getPool('provider.local-k8slice-0001'))?.free.cpu).toBe(8e9)
  })

  it('refuses a changed configuration while the transaction is live, and leaves its hold', async () => {
    const { deps, flavours } = await setup()
    const first = await reserveFlavour(deps, aReserveRequest({ cpu: '2' }))
    await expect(reserveFlavour(deps, aReserveRequest({ cpu: '5' }))).rejects.toMatchObject({ code: 'RESERVATION_EXISTS', details: { transactionId: first.id } })
    expect((await flavours.getPool('provider.local-k8slice-0001'))?.free.cpu).toBe(6e9)
  })

  async function setup() {
    const table = await createTestTable()
    const flavours = new DynamoFlavourRepository(table)
    const clock = new FakeClock()
    await publishFlavour(flavours, aK8SliceFlavour())
    const deps = {
      flavours,
      reservations: new DynamoReservationRepository(table),
      contracts: new DynamoContractRepository(table),
      cluster: { peeringCredentials: async () => ({ clusterId: 'liqo-provider', kubeconfig: 'a3ViZQ==' }) },
      clock,
      ids: randomIds,
      logger: new RecordingLogger(),
      self: aProvider(),
      transactionTtlMs: HOUR,
      contractTtlMs: 365 * 24 * HOUR,
    }
    return { deps, flavours, clock }
  }
})
