import type { SQSBatchResponse, SQSRecord } from 'aws-lambda'
import type { ChainDeps } from '../../core/chain/chain-deps.ts'
import { handleChainMessage } from '../../core/chain/run-hop.ts'
import { chainMessageFromWire } from '../../core/wire/chain-codec.ts'

/**
 * Processes an SQS batch of chain messages one by one and reports only the failed ones, so SQS
 * redelivers those alone (and moves them to the DLQ after `maxReceiveCount`).
 */
export async function processChainBatch(deps: ChainDeps, records: readonly Pick<SQSRecord, 'messageId' | 'body'>[]): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = []
  for (const record of records) {
    try {
      const message = chainMessageFromWire(JSON.parse(record.body))
      await handleChainMessage({ ...deps, logger: deps.logger.child({ chainId: message.chainId }) }, message)
    } catch (error) {
      deps.logger.error('CHAIN_MESSAGE_FAILED', { sqsMessageId: record.messageId, error: error instanceof Error ? error.message : String(error) })
      batchItemFailures.push({ itemIdentifier: record.messageId })
    }
  }
  return { batchItemFailures }
}
