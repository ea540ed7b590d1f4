import { TransactionCanceledException } from '@aws-sdk/client-dynamodb'
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb'
import { ContentionError } from '../../core/shared/errors.ts'
import type { TableContext } from './document-client.ts'
import { withPoolChanges } from './index-change-log.ts'

/** What one TransactWriteItems commits together, in order: every repository builds its list with this type. */
export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>

/** Which items of a cancelled transaction failed their condition, by position. */
export class ConditionsFailed extends Error {
  constructor(
    readonly failed: readonly number[],
    options?: ErrorOptions,
  ) {
    super(`conditions failed at items ${failed.join(', ')}`, options)
    this.name = 'ConditionsFailed'
  }

  at(index: number): boolean {
    return this.failed.includes(index)
  }
}

/**
 * Runs one TransactWriteItems, with a change-log entry for each capacity pool it writes. A `TransactionConflict` (real DynamoDB under contention) becomes a
 * core ContentionError for the use case to retry; failed conditions become {@link ConditionsFailed}.
 */
export async function transactWrite(table: TableContext, items: TransactItems, token?: string): Promise<void> {
  try {
    await table.client.send(new TransactWriteCommand({ TransactItems: withPoolChanges(table, items), ...(token ? { ClientRequestToken: token } : {}) }))
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error
    const reasons = error.CancellationReasons ?? []
    if (reasons.some((r) => r.Code === 'TransactionConflict')) throw new ContentionError('DynamoDB transaction conflict', { cause: error })
    const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []))
    if (failed.length === 0) throw error
    throw new ConditionsFailed(failed, { cause: error })
  }
}
