import type { SQSBatchResponse, SQSRecord } from 'aws-lambda'
import type { ChainDeps } from '../../core/chain/chain-deps.ts'
import { handleChainMessage } from '../../core/chain/run-hop.ts'
import { chainMessageFromWire } from '../../core/wire/chain-codec.ts'
import { isIntentMessage } from '../../core/intents/model.ts'
import { handleIntentMessage } from '../../core/intents/orchestrate.ts'
import type { OrchestratorDeps } from '../../core/intents/orchestrate.ts'
import { intentMessageFromWire } from '../../core/wire/intent-codec.ts'

/**
 * Processes an SQS batch of chain messages (and, on nodes, the intent messages that share the queue) one by one and reports only the failed ones, so SQS
 * redelivers those alone (and moves them to the DLQ after `maxReceiveCount`).
 */
export async function processChainBatch(deps: ChainDeps, records: readonly Pick<SQSRecord, 'messageId' | 'body'>[], intents?: OrchestratorDeps): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = []
  for (const record of records) {
    try {
      const body: unknown = JSON.parse(record.body)
      if (isIntentMessage(body)) {
        if (!intents) throw new Error('an intent message reached a participant without intents')
        const message = intentMessageFromWire(body)
        await handleIntentMessage({ ...intents, logger: intents.logger.child({ intentId: message.intentId }) }, message)
        continue
      }
      const message = chainMessageFromWire(body)
      await handleChainMessage({ ...deps, logger: deps.logger.child({ chainId: message.chainId }) }, message)
    } catch (error) {
      deps.logger.error('CHAIN_MESSAGE_FAILED', { sqsMessageId: record.messageId, error: error instanceof Error ? error.message : String(error) })
      batchItemFailures.push({ itemIdentifier: record.messageId })
    }
  }
  return { batchItemFailures }
}
