import { describe, expect, it, vi } from 'vitest'
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb'
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { ConditionsFailed, transactWrite } from '../../../adapters/dynamo/transact.ts'
import type { TransactItems } from '../../../adapters/dynamo/transact.ts'
import type { TableContext } from '../../../adapters/dynamo/document-client.ts'
import { DynamoReservationRepository } from '../../../adapters/dynamo/dynamo-reservation-repository.ts'
import { DynamoContractRepository } from '../../../adapters/dynamo/dynamo-contract-repository.ts'
import { poolToItem } from '../../../adapters/dynamo/item-mappers.ts'
import { key } from '../../../adapters/dynamo/table-schema.ts'
import type { CapacityPool } from '../../../core/flavours/model.ts'
import type { PurchasePlan } from '../../../core/contracts/ports.ts'
import { CapacityUnavailableError, FlavourGoneError, ReservationKeyTakenError } from '../../../core/reservations/errors.ts'
import { ContentionError } from '../../../core/shared/errors.ts'
import { aCapacityPool, aContract, aK8SliceConfiguration, aTransaction, anAllocation } from '../../support/factories.ts'

type ReasonCode = 'None' | 'ConditionalCheckFailed' | 'TransactionConflict' | 'ThrottlingError' | 'ValidationError'

const cancelled = (...codes: ReasonCode[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) })

const failingAt = (positions: readonly number[], items: number) =>
  cancelled(...Array.from({ length: items }, (_, i): ReasonCode => (positions.includes(i) ? 'ConditionalCheckFailed' : 'None')))

function stubbedTable() {
  const send = vi.fn()
  const table: TableContext = { client: { send } as unknown as DynamoDBDocumentClient, tableName: 'participant' }
  const sent = <T>(type: new (...args: never[]) => T) => send.mock.calls.map(([command]) => command).filter((command): command is T => command instanceof type)
  return { table, send, sent }
}

describe(transactWrite.name, () => {
  it('turns a TransactionConflict into a core ContentionError caused by the cancellation', async () => {
    const { table, send, items } = setup()
    const conflict = cancelled('None', 'TransactionConflict')
    send.mockRejectedValue(conflict)
    const failure = await transactWrite(table, items).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ContentionError)
    expect((failure as ContentionError).cause).toBe(conflict)
  })

  it('reports contention rather than failed conditions when both come back', async () => {
    const { table, send, items } = setup()
    send.mockRejectedValue(cancelled('ConditionalCheckFailed', 'TransactionConflict'))
    await expect(transactWrite(table, items)).rejects.toBeInstanceOf(ContentionError)
  })

  it('names the items whose conditions failed by their positions', async () => {
    const { table, send, items } = setup()
    const cancellation = cancelled('None', 'ConditionalCheckFailed', 'None', 'ConditionalCheckFailed')
    send.mockRejectedValue(cancellation)
    const failure = await transactWrite(table, items).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ConditionsFailed)
    expect((failure as ConditionsFailed).failed).toEqual([1, 3])
    expect([0, 1, 2, 3].map((i) => (failure as ConditionsFailed).at(i))).toEqual([false, true, false, true])
    expect((failure as ConditionsFailed).cause).toBe(cancellation)
  })

  it.each([
    ['an error that is no cancellation', new Error('socket hang up')],
    ['a cancellation with no failed condition', cancelled('None', 'ThrottlingError')],
    ['a cancellation with no reasons', new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {} })],
  ])('passes %s through unchanged', async (_, error) => {
    const { table, send, items } = setup()
    send.mockRejectedValue(error)
    await expect(transactWrite(table, items)).rejects.toBe(error)
  })

  it('sends the items as one TransactWriteItems, with the ClientRequestToken only when given', async () => {
    const { table, send, sent, items } = setup()
    send.mockResolvedValue({})
    await transactWrite(table, items, 'request-1')
    await transactWrite(table, items)
    const [withToken, withoutToken] = sent(TransactWriteCommand)
    expect(withToken?.input).toEqual({ TransactItems: items, ClientRequestToken: 'request-1' })
    expect(withoutToken?.input).toEqual({ TransactItems: items })
  })

  function setup() {
    const items: TransactItems = ['a', 'b', 'c', 'd'].map((id) => ({
      Put: { TableName: 'participant', Item: { pk: id, sk: 'META' }, ConditionExpression: 'attribute_not_exists(pk)' },
    }))
    return { ...stubbedTable(), items }
  }
})

describe(DynamoReservationRepository.name, () => {
  it('writes a hold as the pool update, the transaction, its reservation key and the pool change log entry, in that order', async () => {
    const { reservations, send, sent, tx } = setup()
    send.mockResolvedValue({})
    await reservations.createHold(tx)
    const [write] = sent(TransactWriteCommand)
    const written = write?.input.TransactItems?.map((item) => item.Update?.Key ?? item.Put?.Item)
    expect(written).toEqual([
      key.pool(tx.poolId),
      expect.objectContaining(key.transaction(tx.id)),
      expect.objectContaining(key.buyerKey(tx.reservationKey, tx.flavourId)),
      expect.objectContaining({ pk: 'IDXLOG#own', kind: 'index-change', key: tx.poolId }),
    ])
  })

  it.each([
    ['the pool condition, its flavour still current', [0], aCapacityPool(), CapacityUnavailableError],
    ['the pool condition, its flavour replaced', [0], aCapacityPool(undefined, { currentFlavourId: 'provider.local-k8slice-0002' }), FlavourGoneError],
    ['the pool condition, the pool gone', [0], undefined, FlavourGoneError],
    ['the transaction condition', [1], aCapacityPool(), ContentionError],
    ['the reservation key condition', [2], aCapacityPool(), ReservationKeyTakenError],
    ['the key and the pool conditions', [0, 2], aCapacityPool(), ReservationKeyTakenError],
  ] as const)('refuses a hold failing %s', async (_, positions, pool, refusal) => {
    const { reservations, tx, failing } = setup()
    failing(positions, pool)
    await expect(reservations.createHold(tx)).rejects.toBeInstanceOf(refusal)
  })

  it.each([
    ['the transaction condition', [0], ContentionError],
    ['the pool condition', [1], CapacityUnavailableError],
  ] as const)('refuses a changed hold failing %s', async (_, positions, refusal) => {
    const { reservations, tx, failing } = setup()
    failing(positions, aCapacityPool())
    await expect(reservations.updateHold(tx, aTransaction({ configuration: aK8SliceConfiguration({ cpu: '4' }), version: 1 }))).rejects.toBeInstanceOf(refusal)
  })

  function setup() {
    const stub = stubbedTable()
    const failing = (positions: readonly number[], pool: CapacityPool | undefined) => {
      stub.send.mockImplementation(async (command: unknown) => {
        if (command instanceof TransactWriteCommand) throw failingAt(positions, command.input.TransactItems?.length ?? 0)
        if (command instanceof GetCommand) return { Item: pool ? poolToItem(pool) : undefined }
        throw new Error(`unexpected command ${String(command)}`)
      })
    }
    return { ...stub, reservations: new DynamoReservationRepository(stub.table), tx: aTransaction(), failing }
  }
})

describe(DynamoContractRepository.name, () => {
  it.each([[[0]], [[2]], [[4]], [[1, 5]]])('turns failed conditions at %j of a purchase into contention', async (positions) => {
    const { contracts, send, plan } = setup()
    send.mockRejectedValue(failingAt(positions, 6))
    await expect(contracts.commitPurchase(plan)).rejects.toBeInstanceOf(ContentionError)
  })

  function setup() {
    const stub = stubbedTable()
    const plan: PurchasePlan = {
      transaction: aTransaction(),
      contract: aContract(),
      allocation: anAllocation(),
      pool: aCapacityPool(),
      replacement: { retiredFlavourId: 'provider.local-k8slice-0001' },
    }
    return { ...stub, contracts: new DynamoContractRepository(stub.table), plan }
  }
})
